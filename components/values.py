"""YAML and scalar values, read and printed the way daprd's Go libraries do it (Go's own rules: golang.py).

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
import math
import re
import reprlib

import yaml

from dapr_secrets.components.golang import go_float32_text, go_json, go_unquote, parse_int, parse_uint, utf8_text

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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


class Node:
    """One YAML node of the first document, with the 1-based line where it starts. Compared by
    identity (it was `@dataclass(eq=False, slots=True)`: written out, as no class is generated at import)."""

    __match_args__ = ("kind", "line", "value", "tag", "plain", "items", "target", "anchor")
    __slots__ = __match_args__

    def __init__(self, kind: str, line: int, value: str = "", tag: str | None = None, plain: bool = False,
                 items: list[Any] | None = None, target: Node | None = None, anchor: str | None = None) -> None:
        self.kind = kind  # SCALAR, SEQUENCE, MAPPING or ALIAS
        self.line = line
        self.value = value  # scalar text, or the anchor name of an alias
        self.tag = tag  # explicit tag in long form, None when untagged
        self.plain = plain  # an untagged plain scalar: the YAML resolver decides its type
        self.items: list[Any] = [] if items is None else items  # sequence: [Node]; mapping: [(key Node, value Node)]
        self.target = target  # alias: the anchored node
        self.anchor = anchor

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({fields})"

    def resolved(self) -> Node:
        """The node itself, or the node an alias points at."""
        return self.target if self.target is not None else self


class _PurePythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[misc]  # PyYAML is untyped
    def __init__(self, stream: bytes | str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def _new_parser(data: bytes | str) -> Any:  # a PyYAML event parser (untyped)
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

    def __init__(self, parser: Any, first_line: int) -> None:
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

    def _collection(self, event: Any, line: int, depth: int) -> Node:
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


class YamlMap(dict[str, "Any"]):
    """A mapping as daprd sees it: keys are the JSON strings sigs.k8s.io/yaml makes of YAML keys.

    `line` is where the mapping starts, `lines[key]` where each key is written, and
    `texts[key]` the written text of a plain scalar that YAML read as a bool or number.
    """

    __slots__ = ("line", "lines", "texts")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int | None] = {}
        self.texts: dict[str, str] = {}


class YamlList(list["Any"]):
    """A sequence; `lines[i]` is where item i starts, `texts` as in YamlMap."""

    __slots__ = ("line", "lines", "texts")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int | None] = []
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
            assert node.target is not None  # the composer gives every alias its anchored node
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
    for parse in (parse_int, parse_uint):
        number = parse(plain)
        if number is not None:
            return number
    if _YAML_FLOAT.fullmatch(plain):
        return _finite_float(plain)  # out-of-range floats stay text, as Go's ParseFloat fails
    return text


def _finite_float(text: str) -> object:
    number = float(text)
    return text if math.isinf(number) else number


# --- what Go prints for YAML values -------------------------------------------------------------


def go_string(value: object) -> str | None:
    """The string a store sees for a metadata `value:` (DynamicValue.String()): strings as they
    are, anything else as the JSON text Go writes for it; None when there is no value."""
    if value is None:
        return None
    if isinstance(value, str):
        return utf8_text(value)
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


def component_value(text: str) -> str:
    """What a component receives for a resolved value (secret, envRef, operator-decoded): its
    strconv.Unquote when it is a Go quoted literal, else the text itself (§2 rule 7)."""
    unquoted = go_unquote(text)
    return text if unquoted is None else unquoted
