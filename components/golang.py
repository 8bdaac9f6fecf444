"""Go emulation: what daprd's Go standard library (and dapr/kit) does with text, in one place.

strconv (Quote, Unquote, ParseInt/ParseUint/Atoi with their error texts, FormatFloat), encoding/json
(Marshal's text, case-insensitive field matching), fmt's %v/%s of JSON leaves, time.ParseDuration,
strings.ToUpper and kit's IsTruthy. Every module that mirrors daprd's Go uses these, so one Go rule
has one implementation. Stdlib only, and cheap to import (the headless CLI's startup pays for it).
"""

from __future__ import annotations

import codecs
import json
import math
import re
import struct
from collections.abc import Callable, Iterable, Mapping

# decimal is imported where it is used: rare values need it, and every command's startup would pay for it.

# --- strconv: integers ---------------------------------------------------------------------

_DIGITS = {2: frozenset("01"), 8: frozenset("01234567"), 10: frozenset("0123456789")}
_DIGITS[16] = frozenset("0123456789abcdefABCDEF")


def parse_uint(text: str) -> int | None:
    """strconv.ParseUint(text, 0, 64), None where Go fails: 0x/0o/0b prefixes, a leading 0 means octal."""
    if not text:
        return None
    base, digits = 10, text
    if text[0] == "0":
        prefix = text[1:2].lower()
        if len(text) >= 3 and prefix in ("b", "o", "x"):
            base, digits = {"b": 2, "o": 8, "x": 16}[prefix], text[2:]
        else:
            base, digits = 8, text[1:]
    if not set(digits) <= _DIGITS[base] or (base == 10 and len(digits) > 20):
        return None
    number = int(digits, base) if digits else 0
    return number if number < 1 << 64 else None


def parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), None where Go fails."""
    negative = text[:1] == "-"
    magnitude = parse_uint(text[1:] if text[:1] in ("+", "-") else text)
    if magnitude is None or magnitude > (1 << 63) - (0 if negative else 1):
        return None
    return -magnitude if negative else magnitude


class NumError(ValueError):
    """strconv.NumError; `str(error)` is Go's text (`strconv.Atoi: parsing "x": invalid syntax`)."""


_DECIMAL_INT = re.compile(r"[+-]?[0-9]+")


def parse_decimal(text: str, bit_size: int = 64, func: str = "ParseInt") -> int:
    """strconv.ParseInt(text, 10, bit_size), or strconv.Atoi with func="Atoi" (64-bit ints, as on
    daprd's platforms): an optional sign and decimal digits, no underscores; raises NumError."""
    if not _DECIMAL_INT.fullmatch(text):
        raise NumError(f"strconv.{func}: parsing {go_quote(text)}: invalid syntax")
    number = int(text)
    if not -(1 << (bit_size - 1)) <= number < 1 << (bit_size - 1):
        raise NumError(f"strconv.{func}: parsing {go_quote(text)}: value out of range")
    return number


# --- kit's truthiness ---------------------------------------------------------------------------

TRUTHY = frozenset({"y", "yes", "true", "t", "on", "1"})
FALSY = frozenset({"n", "no", "false", "f", "off", "0"})  # not kit's: the words a person means as "off"


def is_truthy(value: str | None) -> bool:
    """kit's utils.IsTruthy: trimmed, case-insensitive y/yes/true/t/on/1; anything else is false."""
    return value is not None and value.strip().lower() in TRUTHY


# --- encoding/json and fmt: printing values ------------------------------------------------------


def go_json(value: object) -> str:
    """Go encoding/json text: compact, keys sorted, `<>&` and U+2028/9 escaped, Go float format,
    undecodable bytes (surrogate escapes) as U+FFFD."""
    if not _contains_float(value):  # the common case (API bodies): let the C encoder do it
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return _escape_like_go(utf8_text(text))
    return _go_json_slow(value)


def _contains_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, Mapping):
        return any(_contains_float(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_float(item) for item in value)
    return False


def _escape_like_go(encoded: str) -> str:
    return (
        encoded.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _go_json_slow(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, Mapping):
        members = (f"{_json_string(key)}:{_go_json_slow(value[key])}" for key in sorted(value))
        return "{" + ",".join(members) + "}"
    if isinstance(value, Iterable):
        return "[" + ",".join(_go_json_slow(item) for item in value) + "]"
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _json_string(text: str) -> str:
    return _escape_like_go(json.dumps(utf8_text(text), ensure_ascii=False))


_SURROGATES = re.compile("[\ud800-\udfff]")


def utf8_text(text: str) -> str:
    """Go strings hold UTF-8; what cannot be encoded becomes U+FFFD, as encoding/json does."""
    return _SURROGATES.sub("\ufffd", text)


def _json_float(number: float) -> str:
    """encoding/json: shortest digits, exponent form only below 1e-6 or from 1e21 (`1e+21`)."""
    if not math.isfinite(number):
        raise ValueError(f"json: unsupported value: {go_float32_text(number)}")
    if number == 0:
        return "-0" if math.copysign(1, number) < 0 else "0"
    sign = "-" if number < 0 else ""
    digits, point = _shortest_digits(abs(number))
    if abs(number) < 1e-6 or abs(number) >= 1e21:
        text = _exponent_form(digits, point)
        if text[-4:-1] in ("e-0",):  # Go trims e-07 to e-7
            text = text[:-2] + text[-1]
        return sign + text
    return sign + _fixed_form(digits, point)


def go_float32_text(number: float) -> str:
    """strconv.FormatFloat(number, 'g', -1, 32): how sigs.k8s.io/yaml writes a float into a
    string field (`name: 1.10` -> "1.1", `1e6` -> "1e+06", `.inf` -> "+Inf")."""
    if math.isnan(number):
        return "NaN"
    single = _to_float32(number)
    if math.isinf(single):
        return "+Inf" if single > 0 else "-Inf"
    if single == 0:
        return "-0" if math.copysign(1, single) < 0 else "0"
    sign = "-" if single < 0 else ""
    digits, point = _shortest_digits32(abs(single))
    if not -4 <= point - 1 < 6:  # 'g' with shortest precision switches to %e outside 1e-4..1e6
        return sign + _exponent_form(digits, point)
    return sign + _fixed_form(digits, point)


def _shortest_digits(number: float) -> tuple[str, int]:
    """Shortest round-trip digits of a positive float64 and where the decimal point goes."""
    return _digits_of(repr(number))


def _shortest_digits32(number: float) -> tuple[str, int]:
    for precision in range(1, 10):
        text = f"{number:.{precision - 1}e}"
        if _to_float32(float(text)) == number:
            return _digits_of(text)
    return _digits_of(f"{number:.8e}")


def _to_float32(number: float) -> float:
    """Go's float32(number): round to nearest, infinity beyond the float32 range."""
    try:
        single: float = struct.unpack("<f", struct.pack("<f", number))[0]
        return single
    except OverflowError:
        return math.copysign(math.inf, number)


def _digits_of(text: str) -> tuple[str, int]:
    """Significant digits of a positive number's text, and the point position: 0.DIGITS x 10^point."""
    from decimal import Decimal

    _, digit_tuple, exponent = Decimal(text).as_tuple()
    assert isinstance(exponent, int)  # finite numbers only: NaN and infinities never get here
    return "".join(map(str, digit_tuple)).rstrip("0"), len(digit_tuple) + exponent


def _exponent_form(digits: str, point: int) -> str:
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exponent = point - 1
    return f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"


def _fixed_form(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]



def go_float_text(value: float) -> str:
    """fmt's `%v` for a float64 (strconv 'g', shortest): exponent form when the decimal exponent is
    below -4 or at least 6 (`1e+06`, `1.5e-05`), never a trailing `.0`."""
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    # repr's shortest digits, split without Decimal (a big local.file may hold many numbers)
    mantissa, _, exponent_text = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    significant = digits.lstrip("0")
    point = len(whole) + int(exponent_text or 0) - (len(digits) - len(significant))
    digits = significant.rstrip("0")
    if not -4 <= point - 1 < 6:
        return sign + _exponent_form(digits, point)
    return sign + _fixed_form(digits, point)


NIL_TEXT = "%!s(<nil>)"  # fmt's %s of a nil interface


def go_leaf_text(value: float | bool | None) -> str:
    """What fmt.Sprintf("%s", v) prints for a non-string JSON leaf (float64, bool or nil)."""
    if value is None:
        return NIL_TEXT
    if value is True or value is False:
        return f"%!s(bool={'true' if value else 'false'})"
    return f"%!s(float64={go_float_text(value)})"


def _go_replace(error: UnicodeError) -> tuple[str, int]:
    """Go's UTF-8 decoding replaces each invalid byte by U+FFFD; Python would merge some of them."""
    assert isinstance(error, UnicodeDecodeError)
    return "\ufffd", error.start + 1


GO_UTF8_REPLACE = "dapr_secrets.go_replace"  # bytes.decode("utf-8", GO_UTF8_REPLACE): Go's string(bytes) as text
codecs.register_error(GO_UTF8_REPLACE, _go_replace)


# --- strconv: quoting ----------------------------------------------------------------------

_QUOTE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(text: str) -> str:
    """strconv.Quote (fmt's %q), for names in messages that mirror daprd's: printable runes as they
    are, `\\n`-style escapes, other controls as `\\xNN`, other non-printables as `\\uNNNN` or
    `\\UNNNNNNNN`, and a byte that is not UTF-8 (a surrogate escape here) as `\\xNN`."""
    out = []
    for char in text:
        code = ord(char)
        if char in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the raw byte code - 0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate, which no Go string holds: shown as U+FFFD
            out.append("\\ufffd")
        elif char.isprintable():  # Python's and Go's IsPrint agree: letters, marks, numbers, punctuation, symbols, space
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


_SIMPLE_ESCAPES = {ord("a"): 7, ord("b"): 8, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("v"): 11, ord("\\"): 92}


def go_unquote(text: str) -> str | None:
    """Go's strconv.Unquote: the value of a Go string literal ("..." with Go escapes, '...' holding
    exactly one character, `...` raw with carriage returns dropped); None when `text` is not one.
    daprd applies it to every metadata value it hands a component (DynamicValue.String), so a
    secret holding `"abc"` reaches the store as abc. Bytes that hex or octal escapes produce and
    that are not UTF-8 become U+FFFD here (Python text cannot hold them)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) < 2 or data[0] != data[-1] or data[0] not in b"\"'`":
        return None
    quote, body = data[0], data[1:-1]
    if quote == ord("`"):
        return None if b"`" in body else body.replace(b"\r", b"").decode("utf-8", "replace")
    if b"\\" not in body and b"\n" not in body and bytes([quote]) not in body:  # Go's fast path
        if quote == ord('"'):
            return text[1:-1] if _valid_utf8(body) else None
        return text[1:-1] if len(text) == 3 or not body else None  # one rune ('' too, as Go's check lets it through)
    out = bytearray()
    at = 0
    while at < len(body):
        char = body[at]
        if char == quote or char == ord("\n"):
            return None
        if char != ord("\\"):
            width = _utf8_width(body, at)
            out += body[at : at + width] if width else "\ufffd".encode()
            at += width or 1
        else:
            decoded = _go_escape(body, at + 1, quote)
            if decoded is None:
                return None
            piece, at = decoded
            out += piece
        if quote == ord("'"):
            break
    if at != len(body):
        return None  # a rune literal holds one character
    return bytes(out).decode("utf-8", "replace")


def _go_escape(body: bytes, at: int, quote: int) -> tuple[bytes, int] | None:
    """One escape after a backslash (strconv.UnquoteChar): the bytes it stands for and where the
    text goes on; None when Go refuses it."""
    if at >= len(body):
        return None
    char = body[at]
    at += 1
    if char in _SIMPLE_ESCAPES:
        return bytes([_SIMPLE_ESCAPES[char]]), at
    if char in (ord("'"), ord('"')):
        return (bytes([char]), at) if char == quote else None
    if char in b"xuU":
        digits = {ord("x"): 2, ord("u"): 4, ord("U"): 8}[char]
        hex_text = body[at : at + digits]
        if len(hex_text) < digits or not all(c in b"0123456789abcdefABCDEF" for c in hex_text):
            return None
        value = int(hex_text, 16)
        if char == ord("x"):
            return bytes([value]), at + digits  # one byte, maybe not UTF-8
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return None
        return chr(value).encode(), at + digits
    if ord("0") <= char <= ord("7"):
        octal = body[at - 1 : at + 2]
        if len(octal) < 3 or not all(ord("0") <= c <= ord("7") for c in octal) or int(octal, 8) > 255:
            return None
        return bytes([int(octal, 8)]), at + 2
    return None


def _utf8_width(data: bytes, at: int) -> int:
    """The length of the valid UTF-8 sequence starting at `at`, 0 when it is not one."""
    for width in (1, 2, 3, 4):
        try:
            data[at : at + width].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return width
    return 0


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True

# --- encoding/json names, strings.ToUpper, time.ParseDuration ----------------------------------

def fold_name(name: str) -> str:
    """encoding/json's case-insensitive key match (simple Unicode folding: `Spec`, `SPEC`, and
    even `ſpec` find the field `spec`; `ß` stays itself)."""
    if name.isascii():
        return name.lower()
    return "".join(folded if len(folded := char.casefold()) == 1 else char for char in name)


def go_upper(text: str) -> str:
    """strings.ToUpper: per-character upper case, no special casing (`ß` stays `ß`)."""
    return "".join(upper if len(upper := char.upper()) == 1 else char for char in text)


def field_matcher(names: Iterable[str]) -> Callable[[str], str | None]:
    """encoding/json's key-to-field match: the exact name, else a case-insensitive one."""
    exact = frozenset(names)
    folded = {fold_name(name): name for name in exact}
    return lambda key: key if key in exact else folded.get(fold_name(key))


_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"([0-9]*)(\.[0-9]*)?([^0-9.]*)")
_MAX_DURATION = (1 << 63) - 1  # nanoseconds


def parse_go_duration(text: str) -> float | None:
    """time.ParseDuration in seconds (`500ms`, `1m30s`, `-2h`), None when Go would refuse it."""
    from decimal import Decimal

    rest = text
    negative = rest[:1] == "-"
    if rest[:1] in ("-", "+"):
        rest = rest[1:]
    if rest == "0":
        return 0.0
    if not rest:
        return None
    total = Decimal(0)
    while rest:
        match = _DURATION_PART.match(rest)
        assert match is not None  # every part of the pattern is optional: it always matches
        whole, fraction, unit = match.group(1), match.group(2) or "", match.group(3)
        if not whole and len(fraction) <= 1 or unit not in _DURATION_UNITS:
            return None
        total += Decimal((whole or "0") + (fraction if len(fraction) > 1 else "")) * Decimal(
            repr(_DURATION_UNITS[unit])
        )
        rest = rest[match.end() :]
    if total * Decimal(1_000_000_000) > _MAX_DURATION:
        return None
    return float(-total if negative else total)


# --- os -----------------------------------------------------------------------------------------


def go_file_error(path: str, error: OSError) -> str:
    """Go's os.ReadFile error text for `path` as written in the component."""
    if isinstance(error, IsADirectoryError):
        return f"read {path}: is a directory"
    return f"open {path}: {(error.strerror or 'cannot read').lower()}"
