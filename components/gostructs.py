"""Fill daprd's Go structs from a parsed Component document the way sigs.k8s.io/yaml + encoding/json
do (dapr-behaviour.md §1.3): the struct shapes (ObjectMeta, ComponentSpec...), case-insensitive
field matching, YAML 1.1 scalars turned into text in string fields, and the type errors that make
daprd skip the whole document. The loader builds Components and diagnostics from the result."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping

from dapr_secrets.components.golang import field_matcher
from dapr_secrets.components.values import YamlList, YamlMap, go_string, string_field

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeGuard

API_VERSION = "dapr.io/v1alpha1"
KIND = "Component"

STRING, BOOL, INT64, RAW, TIME, ANY = "string", "bool", "int64", "raw", "time", "any"


class GoStruct:
    """A Go struct: JSON field name -> STRING, BOOL, ..., another GoStruct, ("list", t) or ("map", t)."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        self.fields = fields
        self.field_for = field_matcher(fields)


_OWNER_REFERENCE = GoStruct(
    {
        "apiVersion": STRING,
        "kind": STRING,
        "name": STRING,
        "uid": STRING,
        "controller": BOOL,
        "blockOwnerDeletion": BOOL,
    }
)
_MANAGED_FIELDS = GoStruct(
    {"manager": STRING, "operation": STRING, "apiVersion": STRING, "time": TIME}
    | {"fieldsType": STRING, "fieldsV1": ANY, "subresource": STRING}
)
_OBJECT_META = GoStruct(
    {"name": STRING, "generateName": STRING, "namespace": STRING, "selfLink": STRING, "uid": STRING}
    | {"resourceVersion": STRING, "generation": INT64, "creationTimestamp": TIME, "deletionTimestamp": TIME}
    | {"deletionGracePeriodSeconds": INT64, "labels": ("map", STRING), "annotations": ("map", STRING)}
    | {"ownerReferences": ("list", _OWNER_REFERENCE), "finalizers": ("list", STRING)}
    | {"managedFields": ("list", _MANAGED_FIELDS)}
)
TYPE_INFO = GoStruct({"apiVersion": STRING, "kind": STRING, "metadata": _OBJECT_META})
_NAME_VALUE = GoStruct(
    {"name": STRING, "value": RAW, "secretKeyRef": GoStruct({"name": STRING, "key": STRING}), "envRef": STRING}
)
_SPEC = GoStruct(
    {"type": STRING, "version": STRING, "ignoreErrors": BOOL, "metadata": ("list", _NAME_VALUE), "initTimeout": STRING}
)
COMPONENT = GoStruct(
    dict(TYPE_INFO.fields) | {"spec": _SPEC, "auth": GoStruct({"secretStore": STRING}), "scopes": ("list", STRING)}
)

_EXPECTED = {
    STRING: ("a string", "write a plain text value"),
    BOOL: ("a boolean", "write true or false, without quotes"),
    INT64: ("a whole number", "write a whole number"),
    TIME: ("an RFC 3339 time such as 2024-01-02T15:04:05Z", "write an RFC 3339 time, or remove the field"),
    "list": ("a list", "write a YAML list, e.g. [app1, app2] or one '- item' per line"),
    "map": ("a mapping", "write a mapping of keys to values"),
}


class DecodeError(Exception):
    def __init__(self, message: str, hint: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


class Decoder:
    """Fills one Go struct from a parsed document the way sigs.k8s.io/yaml + encoding/json do:
    field names match case-insensitively, bools and numbers become text in string fields,
    `null` leaves a field alone (but empties lists and maps), unknown fields are ignored,
    any other type mismatch fails the whole document, and so does a NaN or infinity anywhere
    it is not turned into text. Structs decode to YamlMap and lists to YamlList, with lines."""

    def __init__(self) -> None:
        self.coerced: list[tuple[str, str | None, str | None, int | None]] = []  # path, written, seen, line

    def decode(self, manifest: object, struct: GoStruct) -> YamlMap:
        if manifest is None:
            return YamlMap()
        if not isinstance(manifest, Mapping):
            raise DecodeError(
                f"the document must be a mapping of fields, not {_describe(manifest)}",
                "start the document with apiVersion:, kind: and metadata: fields",
                getattr(manifest, "line", None),
            )
        return self._struct(manifest, struct, "", getattr(manifest, "line", None))

    def _value(self, value: object, kind: object, path: str, line: int | None, written: str | None) -> object:
        if isinstance(kind, GoStruct):
            return self._struct(value, kind, path, line)
        if isinstance(kind, tuple):
            return (
                self._list(value, kind[1], path, line) if kind[0] == "list" else self._map(value, kind[1], path, line)
            )
        if kind in (RAW, ANY):
            _check_json(value, path, line)
            if kind == RAW and written is not None and go_string(value) != written:
                self.coerced.append((path, None, None, line))
            return value
        if kind == STRING and not isinstance(value, (Mapping, list)):
            text = string_field(value)
            if written is not None and text != written:
                self.coerced.append((path, written, text, line))
            return text
        if kind == BOOL and isinstance(value, bool):
            return value
        if kind == INT64 and _is_int64(value):
            return int(value)
        if kind == TIME and isinstance(value, str) and _is_rfc3339(value):
            return value
        _check_json(value, path, line)
        raise _type_error(kind, value, path, line)

    def _struct(self, value: object, struct: GoStruct, path: str, line: int | None) -> YamlMap:
        if not isinstance(value, Mapping):
            _check_json(value, path, line)
            raise _type_error("map", value, path, line)
        result = YamlMap(getattr(value, "line", line))
        for key in sorted(value):  # the order encoding/json sees; a later case variant wins
            item, item_line, name = value[key], line_of(value, key, line), struct.field_for(key)
            if name is None:
                _check_json(item, join_path(path, key), item_line)
                continue
            kind = struct.fields[name]
            if item is None:
                if isinstance(kind, tuple):
                    result.pop(name, None)  # JSON null empties a list or map, leaves the rest alone
                continue
            written = getattr(value, "texts", {}).get(key)
            result[name] = self._value(item, kind, join_path(path, name), item_line, written)
            result.lines[name] = item_line
        return result

    def _list(self, value: object, kind: object, path: str, line: int | None) -> YamlList:
        if not isinstance(value, list):
            _check_json(value, path, line)
            raise _type_error("list", value, path, line)
        result = YamlList(getattr(value, "line", line))
        for index, item in enumerate(value):
            item_line = line_of(value, index, line)
            written = getattr(value, "texts", {}).get(index)
            result.append(
                _zero(kind) if item is None else self._value(item, kind, f"{path}[{index}]", item_line, written)
            )
            result.lines.append(item_line)
        return result

    def _map(self, value: object, kind: object, path: str, line: int | None) -> dict[str, object]:
        if not isinstance(value, Mapping):
            _check_json(value, path, line)
            raise _type_error("map", value, path, line)
        return {
            key: _zero(kind) if item is None else self._value(item, kind, join_path(path, key), line, None)
            for key, item in value.items()
        }


def _zero(kind: object) -> object:
    if isinstance(kind, GoStruct):
        return YamlMap()
    return "" if kind == STRING else None


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def line_of(container: object, key: object, default: int | None) -> int | None:
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        line: int | None = lines.get(key, default)
        return line
    if isinstance(lines, list) and isinstance(key, int) and key < len(lines):
        line = lines[key]
        return line
    return default


def _is_int64(value: object) -> TypeGuard[int | float]:
    """A JSON number Go can put into an int64: integers, and floats Go prints without a fraction."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer() and abs(value) < 1e21):
        return False
    return -(1 << 63) <= int(value) < 1 << 63


def _is_rfc3339(text: str) -> bool:
    """metav1.Time accepts time.RFC3339 (fractional seconds allowed)."""
    try:
        parsed = datetime.datetime.fromisoformat(text)  # Python 3.11 reads "Z" too
    except ValueError:
        return False
    return len(text) >= 20 and text[10] == "T" and parsed.tzinfo is not None


def _check_json(value: object, path: str, line: int | None) -> None:
    """json.Marshal fails on NaN and infinities, which sigs.k8s.io/yaml hits before decoding."""
    if isinstance(value, float) and not math.isfinite(value):
        raise DecodeError(
            f"{path or 'the document'} is {value!r}, which YAML reads as a special number that JSON cannot hold",
            "quote it if it is meant as text",
            line,
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_json(item, join_path(path, key), line_of(value, key, line))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]", line_of(value, index, line))


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    return "a list"


def _type_error(kind: object, value: object, path: str, line: int | None) -> DecodeError:
    expected, hint = _EXPECTED[kind if isinstance(kind, str) else "map"]
    return DecodeError(f"{path or 'the document'} must be {expected}, not {_describe(value)}", hint, line)
