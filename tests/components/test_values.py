"""dapr-behaviour.md §1.3: how YAML values become the strings daprd sees (sigs.k8s.io/yaml v1.4.0),
and the Go printing rules behind them."""

from __future__ import annotations

import math

import pytest

from dapr_secrets.components.golang import fold_name, go_float32_text, go_json, go_quote, go_unquote, parse_go_duration
from dapr_secrets.components.loader import load_resources
from dapr_secrets.components.values import (
    YamlError,
    YamlMap,
    compose,
    go_string,
    parse_yaml,
    resolve_plain,
    string_field,
)
from tests.helpers.components import component, write


def load_one(tmp_path, text: str):
    write(tmp_path, "c.yaml", text)
    result = load_resources([str(tmp_path)])
    return result.components, result.diagnostics


def metadata_value(tmp_path, yaml_value: str) -> str | None:
    """The string daprd's store would see for `value: <yaml_value>`."""
    components, _ = load_one(tmp_path, component(body=f"metadata:\n- name: v\n  value: {yaml_value}"))
    (item,) = components[0].metadata
    return item.value


# Every row of the §1.3 table for `value:`.
@pytest.mark.parametrize(
    ("yaml_value", "seen"),
    [
        ('"quoted"', "quoted"),
        ("yes", "true"),
        ("on", "true"),
        ("True", "true"),
        ("1.0", "1"),
        ("0x1F", "31"),
        ("010", "8"),
        ("1e3", "1000"),
        ("1_000", "1000"),
        (".5", "0.5"),
        ("off", "false"),
        ("'y'", "y"),
        ("12345678901234567890", "12345678901234567890"),
        ('{x: 1, a: "<b>"}', '{"a":"\\u003cb\\u003e","x":1}'),
        ("[1, two]", '[1,"two"]'),
        ('"a<b&c"', "a<b&c"),
        ("2024-01-02", "2024-01-02"),
    ],
)
def test_s1_3_table_value_rows(tmp_path, yaml_value, seen):
    assert metadata_value(tmp_path, yaml_value) == seen


@pytest.mark.parametrize("yaml_value", ["", "null", "~"])
def test_s1_3_empty_or_null_value_means_no_value(tmp_path, yaml_value):
    assert metadata_value(tmp_path, yaml_value) is None


def test_s1_3_quoted_empty_string_is_a_value(tmp_path):
    """`value: ""` has a value (Raw is `""`), which matters because envRef then does not apply."""
    assert metadata_value(tmp_path, '""') == ""


def test_s1_3_version_1_becomes_string_1(tmp_path):
    components, _ = load_one(tmp_path, component().replace("version: v1", "version: 1"))
    assert components[0].version == "1"


@pytest.mark.parametrize(("written", "seen"), [("n", "false"), ("y", "true")])
def test_s1_3_yaml11_bool_names_become_true_false(tmp_path, written, seen):
    components, diagnostics = load_one(tmp_path, component(name=written))
    assert components[0].name == seen
    warning = next(d for d in diagnostics if d.code == "yaml-coerced")
    assert f'daprd sees "{seen}"' in warning.message and warning.source.line == 4


def test_s1_3_scopes_items_become_strings(tmp_path):
    components, _ = load_one(tmp_path, component(top="scopes: [app1, on]"))
    assert components[0].scopes == ("app1", "true")


def test_s1_3_quoted_ignore_errors_fails_the_whole_document(tmp_path):
    components, diagnostics = load_one(tmp_path, component(body='ignoreErrors: "true"'))
    assert components == []
    (problem,) = diagnostics
    assert problem.code == "decode-error" and "spec.ignoreErrors must be a boolean" in problem.message
    assert problem.source.line == 8 and "without quotes" in problem.hint


def test_s1_3_scalar_scopes_is_a_decode_error(tmp_path):
    components, diagnostics = load_one(tmp_path, component(top="scopes: app1"))
    assert components == []
    assert [d.code for d in diagnostics] == ["decode-error"]
    assert "scopes must be a list, not a string" in diagnostics[0].message


def test_s1_3_unquoted_bool_value_is_flagged_without_showing_the_value(tmp_path):
    components, diagnostics = load_one(tmp_path, component(body="metadata:\n- name: password\n  value: 0755"))
    assert components[0].metadata[0].value == "493"  # octal
    (warning,) = diagnostics
    assert warning.code == "yaml-coerced" and warning.source.line == 10
    assert (
        "0755" not in warning.message + warning.hint and "493" not in warning.message
    )  # a metadata value may be a secret


def test_s1_3_numbers_written_as_go_prints_them_are_not_flagged(tmp_path):
    _, diagnostics = load_one(
        tmp_path, component(body="metadata:\n- name: num\n  value: 10\n- name: flag\n  value: true")
    )
    assert diagnostics == []


@pytest.mark.parametrize(
    ("number", "text"),
    [(1000000.0, "1000000"), (0.00001, "0.00001"), (1e21, "1e+21"), (1e20, "100000000000000000000")]
    + [(1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (-0.0, "-0"), (123.456, "123.456"), (100.0, "100")],
)
def test_s1_3_floats_print_like_go_encoding_json(number, text):
    assert go_json(number) == text


@pytest.mark.parametrize(
    ("written", "seen"),
    [("1.10", "1.1"), ("1e6", "1e+06"), ("123456.0", "123456"), ("0.0001", "0.0001"), ("0.00001", "1e-05")]
    + [("3.14159265358979", "3.1415927"), (".inf", "+Inf"), ("-.inf", "-Inf"), (".nan", "NaN")],
)
def test_s1_3_floats_in_string_fields_use_float32_g_format(written, seen):
    """sigs.k8s.io/yaml writes a float into a string field with FormatFloat(f, 'g', -1, 32)."""
    assert string_field(resolve_plain(written)) == seen


def test_s1_3_float_name_reaches_the_component_as_go_prints_it(tmp_path):
    components, _ = load_one(tmp_path, component(name="1.50"))
    assert components[0].name == "1.5"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("Y", True),
        ("ON", True),
        ("TRUE", True),
        ("No", False),
        ("n", False),
        ("OFF", False),
        ("~", None),
        ("Null", None),
        ("010", 8),
        ("0o17", 15),
        ("0b101", 5),
        ("0x1f", 31),
        ("-0x1F", -31),
        ("+12", 12),
        ("1__0", 10),
        ("08", 8.0),
        ("1.", 1.0),
        ("-.5", -0.5),
        (".5_0", 0.5),
        ("9223372036854775807", 9223372036854775807),
        ("18446744073709551615", 18446744073709551615),
        ("yes!", "yes!"),
        ("0x", "0x"),
        ("._5", "._5"),
        ("1e400", "1e400"),
        ("-", "-"),
        ("<<", "<<"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ("Yes please", "Yes please"),
    ],
)
def test_s1_3_goyaml_v2_resolves_plain_scalars(text, value):
    resolved = resolve_plain(text)
    assert resolved == value and type(resolved) is type(value)


def test_s1_3_numbers_beyond_uint64_become_floats():
    assert resolve_plain("123456789012345678901234") == pytest.approx(1.2345678901234568e23)
    assert go_string(resolve_plain("99999999999999999999")) == "100000000000000000000"


def test_s1_3_special_floats_fail_the_document_unless_in_a_string_field(tmp_path):
    components, diagnostics = load_one(tmp_path, component(body="metadata:\n- name: v\n  value: .nan"))
    assert components == [] and diagnostics[0].code == "decode-error"
    components, diagnostics = load_one(tmp_path, component(body="metadata:\n- name: v\n  value: '.nan'"))
    assert components[0].metadata[0].value == ".nan"


def test_s1_3_special_float_anywhere_fails_the_type_info_pass(tmp_path):
    """Even under an unknown field, a NaN breaks sigs.k8s.io/yaml's JSON conversion."""
    components, diagnostics = load_one(tmp_path, component(top="extra: {x: .inf}"))
    assert components == [] and "extra.x" in diagnostics[0].message


def test_s1_3_go_json_escapes_html_and_line_separators():
    assert go_json({"k": "<&>\u2028"}) == '{"k":"\\u003c\\u0026\\u003e\\u2028"}'
    assert go_string("a<b&c") == "a<b&c"
    assert go_string({"b": None, "a": [True, 1.0]}) == '{"a":[true,1],"b":null}'


def test_s1_3_lines_are_file_lines():
    node = compose(b"a: 1\nb:\n  - x\n  - y\n", first_line=10)
    (_, _), (b_key, b_value) = node.items
    assert b_key.line == 11 and [item.line for item in b_value.items] == [12, 13]
    tree = parse_yaml(b"a: 1\nb:\n  - x\n  - y\n", first_line=10)
    assert isinstance(tree, YamlMap) and tree.lines == {"a": 10, "b": 11} and tree["b"].lines == [12, 13]


def test_s1_3_keys_become_json_strings():
    assert parse_yaml(b"1: a\nyes: b\n1.5: c\n") == {"1": "a", "true": "b", "1.5": "c"}
    with pytest.raises(YamlError, match="null key"):
        parse_yaml(b"~: a\n")


def test_s1_3_merge_keys_follow_goyaml_v2_order():
    """Merged keys overwrite keys written before `<<`; keys after it win; earlier maps win."""
    tree = parse_yaml(b"base: &b {a: 1, c: 1}\nother: &o {a: 2, d: 2}\nm: {a: 0, <<: [*b, *o], c: 3}\n")
    assert tree["m"] == {"a": 1, "c": 3, "d": 2}


def test_s1_3_anchor_redefinition_is_allowed_but_self_reference_is_not():
    assert parse_yaml(b"a: &x 1\nb: &x 2\nc: *x\n")["c"] == 2
    with pytest.raises(YamlError, match="contains itself"):
        parse_yaml(b"a: &x [1, *x]\n")
    with pytest.raises(YamlError, match="unknown anchor"):
        parse_yaml(b"a: *nope\n")


def test_s1_3_alias_bombs_are_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(YamlError, match="excessive aliasing"):
        parse_yaml("\n".join(lines).encode())


def test_s1_3_explicit_tags():
    assert parse_yaml(b"a: !!str 010\nb: !!float 1\nc: !!binary aGk=\nd: ! 12\n") == {
        "a": "010",
        "b": 1.0,
        "c": "hi",
        "d": "12",
    }
    with pytest.raises(YamlError, match=r"cannot decode a !!str as a !!int \(the value is not shown\)"):
        parse_yaml(b"a: !!int abc\n")


def test_s1_3_only_the_first_document_is_read():
    assert parse_yaml(b"a: 1\n...\nb: 2\n") == {"a": 1}
    assert parse_yaml(b"# nothing\n") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"abc"', "abc"), ("'x'", "x"), ("`raw`", "raw"), ('"a\\tb"', "a\tb"), ('"\\u263a\\x41\\101"', "\u263aAA"),
        ("`a\rb`", "ab"), ('"\\"\'"', "\"'"), ("'\\''", "'"), ("''", ""),
        ("abc", None), ('"a', None), ("'ab'", None), ('"\\z"', None), ('"a\nb"', None), ("`a`b`", None),
        ('"\\\'"', None), ("'\\\"'", None), ('"\\400"', None), ('"\\ud800"', None), ('"a"b"', None),
    ],
)
def test_s2_7_go_unquote_matches_strconv_unquote(text, expected):
    # Go's strconv.Unquote, used by dapr:pkg/apis/common/namevalue.go DynamicValue.String
    assert go_unquote(text) == expected


def test_go_quote_matches_go_percent_q():
    assert go_quote('a/b"\n\x01é\u200b') == '"a/b\\"\\n\\x01é\\u200b"'


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10s", 10.0), ("1m30s", 90.0), ("500ms", 0.5), ("1.5h", 5400.0), ("-2h", -7200.0), ("0", 0.0)]
    + [("1.s", 1.0), ("2µs", 2e-6), ("10", None), ("", None), (".s", None), ("1d", None), ("s", None)],
)
def test_s1_1_init_timeout_is_a_go_duration(text, seconds):
    parsed = parse_go_duration(text)
    assert parsed == (pytest.approx(seconds) if seconds is not None else None)


def test_s1_1_field_names_fold_like_encoding_json():
    assert fold_name("SPEC") == fold_name("spec") == fold_name("ſpec")  # U+017F folds to s in Go
    assert fold_name("straße") != fold_name("strasse")


def test_go_float32_text_rounds_through_float32():
    assert go_float32_text(0.1) == "0.1" and go_float32_text(16777217.0) == "1.6777216e+07"
    assert go_float32_text(1e39) == "+Inf" and math.isinf(float(go_float32_text(-1e39).replace("Inf", "inf")))


@pytest.mark.parametrize(
    "document",
    [
        b"a: yes\nb: [1, 0x1F, '010', .5]\nc: &x {d: ~}\ne: *x\nf: |\n  text\n",
        b"- !!str 1\n- ! 2\n- !!float 3\n- {<<: {k: v}, k2: w}\n",
        b"a: [unclosed\n",
    ],
)
def test_pure_python_parser_agrees_with_libyaml(monkeypatch, document):
    """Without libyaml the reader falls back to PyYAML's pure-Python parser; results must not change."""
    from dapr_secrets.components import values

    def outcome():
        try:
            return repr(parse_yaml(document, first_line=3))
        except YamlError as error:
            return f"error at line {error.line}"

    with_libyaml = outcome()
    monkeypatch.setattr(values, "_new_parser", values._PurePythonParser)
    assert outcome() == with_libyaml
