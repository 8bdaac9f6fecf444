"""The one Go emulation module (components/golang.py): each test names the Go function it mirrors.
YAML-driven cases of the same functions live in test_values.py and test_properties.py."""

from __future__ import annotations

import pytest

from dapr_secrets.components.golang import (
    GO_UTF8_REPLACE,
    NumError,
    go_float_text,
    go_leaf_text,
    go_quote,
    is_truthy,
    parse_decimal,
    parse_int,
    parse_uint,
)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain", '"plain"'),
        ('say "hi"\\', '"say \\"hi\\"\\\\"'),
        ("\a\b\f\n\r\t\v", '"\\a\\b\\f\\n\\r\\t\\v"'),
        ("\x00\x1f\x7f", '"\\x00\\x1f\\x7f"'),  # other controls: \x, not JSON's \u00XX
        ("café 日本", '"café 日本"'),  # printable runes stay as they are (JSON's ensure_ascii would escape them)
        ("\u00a0\u200b\u2028", '"\\u00a0\\u200b\\u2028"'),  # not printable for Go's IsPrint
        ("\U000e0001", '"\\U000e0001"'),
        ("\U0001f600", '"\U0001f600"'),
        ("a\udcffb", '"a\\xffb"'),  # a byte that is not UTF-8 (kept by surrogateescape) prints as Go prints it
        ("<&>", '"<&>"'),  # %q does not HTML-escape (encoding/json does)
    ],
)
def test_go_quote_is_strconv_quote(text, quoted):
    # strconv.Quote (fmt %q): daprd's messages quote names with it (e.g. `access denied by policy to get %q from %q`)
    assert go_quote(text) == quoted


@pytest.mark.parametrize(
    ("text", "bits", "expected"),
    [("42", 64, 42), ("+7", 64, 7), ("-0", 64, 0), ("007", 64, 7), ("2147483647", 32, 2**31 - 1), ("-2147483648", 32, -(2**31))],
)
def test_parse_decimal_is_strconv_parseint_base_10(text, bits, expected):
    assert parse_decimal(text, bit_size=bits) == expected


@pytest.mark.parametrize(
    ("text", "bits", "func", "message"),
    [
        ("", 64, "Atoi", 'strconv.Atoi: parsing "": invalid syntax'),
        ("1_000", 64, "Atoi", 'strconv.Atoi: parsing "1_000": invalid syntax'),  # underscores only with base 0
        ("0x10", 64, "ParseInt", 'strconv.ParseInt: parsing "0x10": invalid syntax'),
        (" 1", 64, "Atoi", 'strconv.Atoi: parsing " 1": invalid syntax'),
        ("١", 64, "Atoi", 'strconv.Atoi: parsing "١": invalid syntax'),  # only ASCII digits
        ("9223372036854775808", 64, "Atoi", 'strconv.Atoi: parsing "9223372036854775808": value out of range'),
        ("2147483648", 32, "ParseInt", 'strconv.ParseInt: parsing "2147483648": value out of range'),
        ('"\n', 32, "ParseInt", 'strconv.ParseInt: parsing "\\"\\n": invalid syntax'),  # the input is %q-quoted
    ],
)
def test_parse_decimal_errors_are_strconv_numerror_text(text, bits, func, message):
    with pytest.raises(NumError) as raised:
        parse_decimal(text, bit_size=bits, func=func)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", 10), ("010", 8), ("0x1F", 31), ("0o17", 15), ("0b101", 5), ("0", 0), ("18446744073709551615", 2**64 - 1),
     ("18446744073709551616", None), ("08", None), ("0x", None), ("", None)],
)
def test_parse_uint_is_strconv_parseuint_base_0(text, expected):
    assert parse_uint(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("-9223372036854775808", -(2**63)), ("9223372036854775808", None), ("-0x10", -16)])
def test_parse_int_is_strconv_parseint_base_0(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize("word", ["y", "YES", " true ", "T", "On", "1"])
def test_is_truthy_is_kit_utils_istruthy(word):
    assert is_truthy(word)


@pytest.mark.parametrize("word", [None, "", "2", "enabled", "false", "no", "truthy"])
def test_is_truthy_refuses_what_kit_utils_istruthy_refuses(word):
    assert not is_truthy(word)


@pytest.mark.parametrize(
    ("number", "text"),
    [(1.0, "1"), (-0.0, "-0"), (1.5, "1.5"), (123456.0, "123456"), (1e6, "1e+06"), (0.0001, "0.0001"), (1.5e-05, "1.5e-05"),
     (1e21, "1e+21"), (0.1 + 0.2, "0.30000000000000004")],
)
def test_go_float_text_is_fmt_percent_v_of_a_float64(number, text):
    assert go_float_text(number) == text


def test_go_leaf_text_is_fmt_percent_s_of_a_json_leaf():
    # fmt.Sprintf("%s", v) on an interface{} holding what encoding/json decoded
    assert [go_leaf_text(v) for v in (None, True, False, 2.0)] == ["%!s(<nil>)", "%!s(bool=true)", "%!s(bool=false)", "%!s(float64=2)"]


def test_go_utf8_replace_gives_one_u_fffd_per_invalid_byte_like_go():
    # Go's range-over-string / encoding/json: each invalid byte is its own U+FFFD; Python's "replace" merges some
    assert b"a\xe2\x82b\xff".decode("utf-8", GO_UTF8_REPLACE) == "a\ufffd\ufffdb\ufffd"
