"""YAML and scalar values, read and printed the way daprd's Go libraries do it.

Component files go through sigs.k8s.io/yaml v1.4.0: its goyaml.v2 fork reads YAML 1.1 scalars
(`yes`/`on`/`y` are booleans, `010` is octal, `1e3` is a number), the result becomes JSON, and
encoding/json decodes that into the Go structs (dapr-behaviour.md §1.3). Configuration files go
through gopkg.in/yaml.v3 (config.py walks the composed nodes itself).

PyYAML only tokenises here (its event parser, libyaml when present); its own resolver and
constructors are not used, because they disagree with Go on exactly the values that matter.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import yaml

# decimal is imported where it is used: rare values need it, and every command's startup (the
# headless `list` most of all) would pay for it.

MAX_DEPTH = 100  # deeper documents are refused: no Dapr resource comes close, and it bounds recursion

SCALAR, SEQUENCE, MAPPING, ALIAS = "scalar", "sequence", "mapping", "alias"
YAML_TAG = "tag:yaml.org,2002:"
STR_TAG, MERGE_TAG, BINARY_TAG = YAML_TAG + "str", YAML_TAG + "merge", YAML_TAG + "binary"


class YamlError(ValueError):
    """A document YAML cannot read. `line` is 1-based in the file, when known. `too_deep` marks
    documents nested beyond what this tool reads, which daprd may still read."""

    def __init__(self, message: str, line: int | None = None, too_deep: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.too_deep = too_deep


# --- composing: YAML text -> nodes ------------------------------------------------------------


@dataclass(eq=False, slots=True)
class Node:
    """One YAML node of the first document, with the 1-based line where it starts."""

    kind: str  # SCALAR, SEQUENCE, MAPPING or ALIAS
    line: int
    value: str = ""  # scalar text, or the anchor name of an alias
    tag: str | None = None  # explicit tag in long form, None when untagged
    plain: bool = False  # an untagged plain scalar: the YAML resolver decides its type
    items: list = field(default_factory=list)  # sequence: [Node]; mapping: [(key Node, value Node)]
    target: Node | None = None  # alias: the anchored node
    anchor: str | None = None

    def resolved(self) -> Node:
        """The node itself, or the node an alias points at."""
        return self.target if self.target is not None else self


class _PurePythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, stream: bytes | str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def _new_parser(data: bytes | str):
    try:
        from yaml.cyaml import CParser  # libyaml: about ten times faster
    except ImportError:
        return _PurePythonParser(data)
    return CParser(data)


def compose(data: bytes | str, first_line: int = 1) -> Node | None:
    """The first YAML document of `data` as nodes (None when there is none).

    `first_line` is the file line `data` starts on, so node lines are file lines.
    Raises YamlError for anything YAML (or this reader) cannot read.
    """
    try:
        return _Composer(_new_parser(data), first_line).document()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        too_deep = problem == "exceeded maximum nesting depth"  # libyaml's limit; Go's is higher
        raise YamlError(problem, mark.line + first_line if mark else None, too_deep) from None
    except (yaml.YAMLError, UnicodeError) as error:
        raise YamlError(str(error).splitlines()[0] if str(error) else "invalid YAML") from None


class _Composer:
    """Builds nodes from parser events the way goyaml's parser does: anchors may be redefined,
    an alias must point at an anchor seen before and must not sit inside its own anchor."""

    def __init__(self, parser, first_line: int) -> None:
        self.parser = parser
        self.first_line = first_line
        self.anchors: dict[str, Node] = {}
        self.open: set[int] = set()  # ids of collections still being composed

    def document(self) -> Node | None:
        self.parser.get_event()  # StreamStart
        if self.parser.check_event(yaml.StreamEndEvent):
            return None
        self.parser.get_event()  # DocumentStart
        node = self.node(0)
        self.parser.get_event()  # DocumentEnd; later documents are never read, as in Go
        return node

    def node(self, depth: int) -> Node:
        event = self.parser.get_event()
        line = event.start_mark.line + self.first_line
        if depth > MAX_DEPTH:
            raise YamlError(f"the document is nested more than {MAX_DEPTH} levels deep", line, too_deep=True)
        event_type = type(event)
        if event_type is yaml.ScalarEvent:
            tag = event.tag
            node = Node(SCALAR, line, event.value, tag, tag is None and event.implicit[0], anchor=event.anchor)
            if node.anchor is not None:
                self.anchors[node.anchor] = node
            return node
        if event_type is yaml.AliasEvent:
            target = self.anchors.get(event.anchor)
            if target is None:
                raise YamlError(f"unknown anchor '{event.anchor}' referenced", line)
            if id(target) in self.open:
                raise YamlError(f"anchor '{event.anchor}' value contains itself", line)
            return Node(ALIAS, line, value=event.anchor, target=target)
        return self._collection(event, line, depth)

    def _collection(self, event, line: int, depth: int) -> Node:
        sequence = type(event) is yaml.SequenceStartEvent
        node = Node(SEQUENCE if sequence else MAPPING, line, tag=event.tag, anchor=event.anchor)
        if node.anchor is not None:
            self.anchors[node.anchor] = node
        self.open.add(id(node))
        end = yaml.SequenceEndEvent if sequence else yaml.MappingEndEvent
        items, check_event = node.items, self.parser.check_event
        while not check_event(end):
            item = self.node(depth + 1)
            items.append(item if sequence else (item, self.node(depth + 1)))
        self.parser.get_event()
        self.open.discard(id(node))
        return node


# --- constructing: nodes -> Go values (goyaml.v2 into interface{}, keys made JSON strings) -----


class YamlMap(dict):
    """A mapping as daprd sees it: keys are the JSON strings sigs.k8s.io/yaml makes of YAML keys.

    `line` is where the mapping starts, `lines[key]` where each key is written, and
    `texts[key]` the written text of a plain scalar that YAML read as a bool or number.
    """

    __slots__ = ("line", "lines", "texts")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}
        self.texts: dict[str, str] = {}


class YamlList(list):
    """A sequence; `lines[i]` is where item i starts, `texts` as in YamlMap."""

    __slots__ = ("line", "lines", "texts")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []
        self.texts: dict[int, str] = {}


def parse_yaml(data: bytes | str, first_line: int = 1) -> object:
    """The first document of `data` as goyaml.v2 + sigs.k8s.io/yaml read it: YamlMap, YamlList,
    str, bool, int, float or None. Raises YamlError."""
    node = compose(data, first_line)
    return None if node is None else _Constructor().value(node)


def _allowed_alias_ratio(decoded: int) -> float:
    """goyaml.v2's guard against alias bombs ("billion laughs")."""
    low, high = 400_000, 4_000_000
    if decoded <= low:
        return 0.99
    if decoded >= high:
        return 0.10
    return 0.99 - 0.89 * (decoded - low) / (high - low)


class _Constructor:
    def __init__(self) -> None:
        self.decoded = 0  # nodes goyaml would decode, aliases expanded
        self.aliased = 0  # of which inside alias expansions
        self.anchored: dict[int, tuple[object, int]] = {}  # anchored node -> (value, node count)

    def value(self, node: Node) -> object:
        if node.kind == ALIAS:
            return self._alias(node)
        before = self.decoded
        self.decoded += 1
        if node.kind == SCALAR:
            value: object = self._scalar(node)
        elif node.kind == SEQUENCE:
            value = self._sequence(node)
        else:
            value = self._mapping(node)
        if node.anchor is not None:
            self.anchored[id(node)] = (value, self.decoded - before)
        return value

    def _alias(self, node: Node) -> object:
        if id(node.target) not in self.anchored:
            self.value(node.target)
        value, size = self.anchored[id(node.target)]
        self.decoded += 1 + size
        self.aliased += size
        if (
            self.aliased > 100
            and self.decoded > 1000
            and self.aliased / self.decoded > _allowed_alias_ratio(self.decoded)
        ):
            raise YamlError("document contains excessive aliasing", node.line)
        return value

    def _scalar(self, node: Node) -> object:
        if node.plain:
            return resolve_plain(node.value)
        tag = node.tag
        if tag is None or tag == STR_TAG:
            return node.value
        if tag == BINARY_TAG:
            return _binary(node)
        if tag.startswith(YAML_TAG) and tag[len(YAML_TAG) :] in ("int", "float", "bool", "null"):
            return _tagged(tag[len(YAML_TAG) :], node)
        return node.value  # any other tag (custom, "!", !!timestamp): goyaml keeps the text

    def _sequence(self, node: Node) -> YamlList:
        result = YamlList(node.line)
        for index, item in enumerate(node.items):
            value = self.value(item)
            result.append(value)
            result.lines.append(item.line)
            if _is_resolved_plain(item, value):
                result.texts[index] = item.value
        return result

    def _mapping(self, node: Node) -> YamlMap:
        result = YamlMap(node.line)
        for key_node, value_node in node.items:
            if _is_merge_key(key_node):
                self._merge(result, value_node)
                continue
            key = _json_key(self.value(key_node), key_node.line)
            value = self.value(value_node)
            result[key] = value
            result.lines[key] = key_node.line
            if _is_resolved_plain(value_node, value):
                result.texts[key] = value_node.value
            else:
                result.texts.pop(key, None)
        return result

    def _merge(self, into: YamlMap, node: Node) -> None:
        """`<<: *base` the goyaml.v2 way: merged keys overwrite keys written before the merge,
        later keys overwrite merged ones, and in a list of maps the earlier maps win."""
        merged = self.value(node)
        if isinstance(merged, YamlMap):
            sources = [merged]
        elif isinstance(merged, YamlList) and all(isinstance(item, YamlMap) for item in merged):
            sources = list(reversed(merged))
        else:
            raise YamlError("map merge requires map or sequence of maps as the value", node.line)
        for source in sources:
            for key, value in source.items():
                into[key] = value
                into.lines[key] = source.lines.get(key, node.line)
                if key in source.texts:
                    into.texts[key] = source.texts[key]
                else:
                    into.texts.pop(key, None)


def _is_merge_key(node: Node) -> bool:
    return node.kind == SCALAR and node.value == "<<" and (node.plain or node.tag == MERGE_TAG)


def _is_resolved_plain(node: Node, value: object) -> bool:
    """A plain scalar YAML 1.1 turned into a bool or number (what users most often trip on)."""
    return node.kind == SCALAR and node.plain and isinstance(value, (bool, int, float))


def _json_key(key: object, line: int) -> str:
    """sigs.k8s.io/yaml turns YAML keys into JSON object keys."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(text := go_float32_text(key), text)
    if key is None:
        raise YamlError("unsupported map key of type: <nil> (a null key)", line)
    raise YamlError("invalid map key: a list or mapping cannot be a key", line)


def _binary(node: Node) -> str:
    text = node.value.replace("\n", "").replace("\r", "")
    try:
        return base64.b64decode(text, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        raise YamlError("!!binary value contains invalid base64 data", node.line) from None


def _tagged(expected: str, node: Node) -> object:
    """`!!int 5`, `!!bool yes`...: the text must resolve to that type (a `!!float` may be an int)."""
    value = resolve_plain(node.value)
    if expected == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    checks = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, float),
        "bool": isinstance(value, bool),
        "null": value is None,
    }
    if not checks[expected]:
        # goyaml quotes the text; we do not: a tagged metadata value is often a credential.
        raise YamlError(f"cannot decode a !!{_yaml_type(value)} as a !!{expected} (the value is not shown)", node.line)
    return value


def _yaml_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


# --- YAML 1.1 plain scalars, exactly as goyaml.v2's resolve() ---------------------------------

_RESOLVED_WORDS: dict[str, object] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_HINTS = frozenset("+-0123456789yYnNtTfFoO~.")
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# Go's ParseFloat for text starting with ".": digits with single underscores between them.
_DOT_FLOAT = re.compile(r"\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?")
_DIGITS = {2: frozenset("01"), 8: frozenset("01234567"), 10: frozenset("0123456789")}
_DIGITS[16] = frozenset("0123456789abcdefABCDEF")


def resolve_plain(text: str) -> object:
    """What an unquoted YAML scalar becomes in daprd: bool, int, float, None or the text itself."""
    if not text:
        return None
    if text[0] not in _HINTS:
        return text
    if text in _RESOLVED_WORDS:
        return _RESOLVED_WORDS[text]
    if text[0] == ".":
        return _finite_float(text) if _DOT_FLOAT.fullmatch(text) else text
    if text[0] in "yYnNtTfFoO~":
        return text
    plain = text.replace("_", "")
    for parse in (_go_parse_int, _go_parse_uint):
        number = parse(plain)
        if number is not None:
            return number
    if _YAML_FLOAT.fullmatch(plain):
        return _finite_float(plain)  # out-of-range floats stay text, as Go's ParseFloat fails
    return text


def _finite_float(text: str) -> object:
    number = float(text)
    return text if math.isinf(number) else number


def _go_parse_uint(text: str) -> int | None:
    """strconv.ParseUint(text, 0, 64): 0x/0o/0b prefixes, a leading 0 means octal."""
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


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64)."""
    negative = text[:1] == "-"
    magnitude = _go_parse_uint(text[1:] if text[:1] in ("+", "-") else text)
    if magnitude is None or magnitude > (1 << 63) - (0 if negative else 1):
        return None
    return -magnitude if negative else magnitude


# --- Go's ways of printing values -------------------------------------------------------------


def go_string(value: object) -> str | None:
    """The string a store sees for a metadata `value:` (DynamicValue.String()): strings as they
    are, anything else as the JSON text Go writes for it; None when there is no value."""
    if value is None:
        return None
    if isinstance(value, str):
        return _valid_text(value)
    return go_json(value)


def string_field(value: object) -> str | None:
    """What a Go string field (`name:`, `type:`, `scopes` items...) gets from a YAML scalar:
    sigs.k8s.io/yaml turns bools and numbers into text first (`y` -> "true", `1.0` -> "1").
    None for null (the field keeps its zero value). Not for mappings or lists."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float32_text(value)
    raise TypeError("string_field takes a scalar")


def go_json(value: object) -> str:
    """Go encoding/json text: compact, keys sorted, `<>&` and U+2028/9 escaped, Go float format,
    undecodable bytes (surrogate escapes) as U+FFFD."""
    if not _contains_float(value):  # the common case (API bodies): let the C encoder do it
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return _escape_like_go(_valid_text(text))
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
    return _escape_like_go(json.dumps(_valid_text(text), ensure_ascii=False))


_SURROGATES = re.compile("[\ud800-\udfff]")


def _valid_text(text: str) -> str:
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
        return struct.unpack("<f", struct.pack("<f", number))[0]
    except OverflowError:
        return math.copysign(math.inf, number)


def _digits_of(text: str) -> tuple[str, int]:
    """Significant digits of a positive number's text, and the point position: 0.DIGITS x 10^point."""
    from decimal import Decimal

    _, digit_tuple, exponent = Decimal(text).as_tuple()
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


def go_quote(text: str) -> str:
    """Go's %q (strconv.Quote), for names in messages that mirror daprd's."""
    escapes = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n"}
    escapes.update({"\r": "\\r", "\t": "\\t", "\v": "\\v"})
    out = []
    for char in text:
        code = ord(char)
        if char in escapes:
            out.append(escapes[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif char.isprintable() and not 0xD800 <= code <= 0xDFFF:
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{0xFFFD if 0xD800 <= code <= 0xDFFF else code:04x}")
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


def component_value(text: str) -> str:
    """What a component receives for a resolved value (secret, envRef, operator-decoded): its
    strconv.Unquote when it is a Go quoted literal, else the text itself (§2 rule 7)."""
    unquoted = go_unquote(text)
    return text if unquoted is None else unquoted


# --- names, case folding, durations -----------------------------------------------------------


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
