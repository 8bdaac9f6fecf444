"""Vault's answers read the way Dapr's Go reads them: error bodies, LIST keys, data.data decoded
into map[string]string (or jsoniter's text for vaultValueType: text), and KV v2 metadata for describe."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from dapr_secrets.backends.base import LastChanged, SecretVersion, StoreError

NON_STRING_HINT = 'Store every value as a string, or read the secret with vaultValueType: "text".'


class _Object(dict[str, Any]):
    """A JSON object that also remembers its members in order, duplicates included (Go sees them all)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def error_body(response: Any) -> str:
    """The body for an error message, kept only when it is Vault's `{"errors":[...]}`, which holds no value."""
    text = response.text  # as Dapr keeps it (b.String()): Vault's trailing newline included
    value = json_object(text)
    errors = value.get("errors")
    if not isinstance(errors, list) or not all(isinstance(item, str) for item in errors):
        return "(withheld: not a Vault error list)"
    return text if list(value) == ["errors"] else json.dumps({"errors": errors}, separators=(",", ":"))


def list_failure(response: Any) -> str:
    """Dapr's error text for a LIST that did not answer 200."""
    return (
        f"list keys couldn't get successful response, status code: {response.status_code}, "
        f"status: {response.status_code} {response.reason}, response {error_body(response)}"
    )


def list_keys(response: Any) -> list[str]:
    keys = (json_object(response.text).get("data") or {}).get("keys")
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise StoreError("couldn't decode response body: the LIST answer has no list of keys")
    return keys


def no_engine(response: Any) -> bool:
    """Vault's 404 for a path no secrets engine serves."""
    return "no handler for route" in error_body(response)


def _go_kind(value: Any) -> str:
    """The JSON kind as Go's UnmarshalTypeError names it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "object" if isinstance(value, dict) else "array"


def _kv_data(text: str) -> Any:
    """data.data of a KV v2 answer, objects as _Object; raises StoreError like Go's decoder would."""
    try:
        body = json.loads(text, object_pairs_hook=_Object)
    except ValueError:
        raise StoreError("couldn't decode response body: Vault's answer is not JSON") from None
    data = body.get("data") if isinstance(body, dict) else None
    if (body is not None and not isinstance(body, dict)) or (data is not None and not isinstance(data, dict)):
        raise StoreError("couldn't decode response body: Vault's answer is not a KV v2 secret")
    inner = data.get("data") if data else None
    if inner is not None and not isinstance(inner, dict):
        raise StoreError("couldn't decode response body: data.data is not an object")
    return inner


def decode_map(text: str) -> dict[str, str] | None:
    """Go's decode into map[string]string: null becomes "", any other non-string fails the whole read
    (the first one in the document names the error); a null or missing data.data is a nil map."""
    inner = _kv_data(text)
    if inner is None:
        return None
    for _, value in inner.pairs:
        if value is not None and not isinstance(value, str):
            raise StoreError(
                f"couldn't decode response body: json: cannot unmarshal {_go_kind(value)} "
                "into Go struct field .data.data of type string",
                f"{describe_kinds(non_string_kinds(text))}. {NON_STRING_HINT}",
            )
    return {key: "" if value is None else value for key, value in inner.items()}


def non_string_kinds(text: str) -> dict[str, str]:
    """Key -> Go kind for every value map mode cannot decode (the values themselves never leave)."""
    try:
        inner = _kv_data(text)
    except StoreError:
        return {}
    return {
        key: _go_kind(value)
        for key, value in (inner.pairs if inner else [])
        if value is not None and not isinstance(value, str)
    }


def describe_kinds(kinds: Mapping[str, str]) -> str:
    listed = ", ".join(f"{key} ({kind})" for key, kind in kinds.items())
    return f"not every value is a string: {listed}"


def jsoniter_text(text: str, path: tuple[str, ...]) -> str:
    """jsoniter's Get(body, path...).ToString(), as Dapr's text mode uses it: the raw JSON text of an
    object, array or number exactly as Vault sent it, a string's content, "" for null or missing."""
    decoder = json.JSONDecoder()
    start, end = 0, len(text)
    try:
        for key in path:
            span = _member_span(decoder, text, start, key)
            if span is None:
                return ""
            start, end = span
        value = json.loads(text[start:end])
    except (ValueError, IndexError):
        return ""
    if value is None:
        return ""
    return value if isinstance(value, str) else text[start:end]


def _member_span(decoder: json.JSONDecoder, text: str, index: int, key: str) -> tuple[int, int] | None:
    """Where the value of member `key` of the object starting at `index` lies in `text` (first match)."""
    index = _skip_space(text, index)
    if text[index] != "{":
        return None
    index = _skip_space(text, index + 1)
    while text[index] != "}":
        name, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index] != ":":
            raise ValueError("expected ':'")
        start = _skip_space(text, index + 1)
        _, end = decoder.raw_decode(text, start)
        if name == key:
            return start, end
        index = _skip_space(text, end)
        if text[index] == ",":
            index = _skip_space(text, index + 1)
    return None


def _skip_space(text: str, index: int) -> int:
    while text[index] in " \t\r\n":
        index += 1
    return index


# --- KV v2 metadata ------------------------------------------------------------------------------


def _parse_time(value: str) -> datetime | None:
    """Vault's RFC 3339 time with nanoseconds; None when empty or unreadable."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", value or "")
    if not match:
        return None
    fraction = (match.group(2) or "0")[:6].ljust(6, "0")
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    return datetime.fromisoformat(f"{match.group(1)}.{fraction}{zone}")


def metadata_last_changed(meta: Mapping[str, Any]) -> LastChanged | None:
    """KV v2 metadata's updated_time: a new version was written, or the metadata changed."""
    return LastChanged.at(_parse_time(str(meta.get("updated_time") or "")), "updated")


def _version_state(info: Mapping[str, Any], current: bool) -> str:
    if info.get("destroyed"):
        return "destroyed"
    deleted_at = _parse_time(str(info.get("deletion_time") or ""))
    if deleted_at is not None and deleted_at <= datetime.now(UTC):
        return "deleted"
    return "current" if current else ""


def kv_versions(meta: Mapping[str, Any]) -> tuple[SecretVersion, ...]:
    """Newest first."""
    current = str(meta.get("current_version", ""))
    listed = meta.get("versions") or {}
    ordered = sorted(listed, key=lambda number: int(number) if str(number).isdigit() else 0, reverse=True)
    return tuple(
        SecretVersion(
            str(number),
            str(listed[number].get("created_time", "")),
            _version_state(listed[number], str(number) == current),
        )
        for number in ordered
        if isinstance(listed[number], dict)
    )


def deleted_latest_notes(versions: tuple[SecretVersion, ...], meta: Mapping[str, Any]) -> Iterator[str]:
    current = str(meta.get("current_version", ""))
    for version in versions:
        if version.id == current and version.state in ("deleted", "destroyed"):
            yield (
                f"The latest version ({current}) is {version.state}: Vault still lists this secret, but Dapr's "
                "bulk skips it and GET fails (not found). Older versions stay readable with version_id."
            )


def metadata_attributes(meta: Mapping[str, Any]) -> dict[str, str]:
    attributes = {
        "current version": str(meta.get("current_version", "")),
        "created": str(meta.get("created_time", "")),
        "updated": str(meta.get("updated_time", "")),
        "oldest version": str(meta.get("oldest_version", "")),
        "max versions": str(meta.get("max_versions", "")),
        "delete versions after": str(meta.get("delete_version_after", "")),
    }
    for key, value in (meta.get("custom_metadata") or {}).items():
        attributes[f"custom: {key}"] = str(value)
    return {key: value for key, value in attributes.items() if value not in ("", "0", "0s")}
