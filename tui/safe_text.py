"""The one place where untrusted text (secret names, keys, values, store messages) becomes
something the screen shows.

Names and values may contain terminal escape sequences, markup brackets or undecodable bytes, so
they always become `rich.text.Text` (never markup) with control characters escaped. Values are
masked with a fixed-width mask that reveals neither length nor shape.
"""

from __future__ import annotations

import json
from enum import Enum

from rich.text import Text

from dapr_secrets.backends.redaction import MASK  # noqa: F401 - one fixed-width mask for the whole tool
from dapr_secrets.tui.escape import escape_control


def safe_text(text: str, style: str = "") -> Text:
    """Untrusted text on one line, as plain `Text`."""
    return Text(escape_control(text), style=style, end="")


class ValueKind(str, Enum):
    TEXT = "text"
    MULTILINE = "multi-line"
    JSON = "JSON"
    BINARY = "binary"
    EMPTY = "empty"


def value_kind(value: str) -> ValueKind:
    """What a value looks like, so it can be shown sensibly once revealed."""
    if value == "":
        return ValueKind.EMPTY
    if is_binary(value):
        return ValueKind.BINARY
    stripped = value.strip()
    if stripped[:1] in ("{", "[") and _is_json_container(stripped):
        return ValueKind.JSON
    if "\n" in value.rstrip("\n"):
        return ValueKind.MULTILINE
    return ValueKind.TEXT


def is_binary(value: str) -> bool:
    """Bytes that were not UTF-8 (surrogate escapes) or NUL bytes: not text a person can read."""
    return "\x00" in value or any(0xDC80 <= ord(char) <= 0xDCFF for char in value)


def _is_json_container(text: str) -> bool:
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


def masked_value() -> Text:
    return Text(MASK, style="dim", end="")


def value_preview(value: str, width: int) -> Text:
    """A revealed value in at most `width` cells (for a table cell): its first line, escaped."""
    kind = value_kind(value)
    if kind == ValueKind.EMPTY:
        return Text("(empty)", style="dim italic", end="")
    if kind == ValueKind.BINARY:
        return Text("binary: see below", style="italic", end="")
    first, _, rest = value.partition("\n")
    preview = safe_text(first)
    if rest.strip("\n") or preview.cell_len > width:
        preview.truncate(width - 1)
        preview.append("…", style="dim")
    return preview


def value_display(value: str) -> Text:
    """A revealed value in full: JSON pretty-printed, multi-line kept, binary as a hex dump."""
    kind = value_kind(value)
    if kind == ValueKind.BINARY:
        return Text(hex_dump(raw_bytes(value)), end="")
    if kind == ValueKind.JSON:
        pretty = json.dumps(json.loads(value), indent=2, ensure_ascii=False)
        return Text(escape_control(pretty, keep_newlines=True), end="")
    return Text(escape_control(value, keep_newlines=True), end="")


def raw_bytes(value: str) -> bytes:
    """The bytes a store returned (undecodable bytes were kept as surrogate escapes)."""
    return value.encode("utf-8", "surrogateescape")


def hex_dump(data: bytes, limit: int = 4096) -> str:
    """`xxd`-style lines: offset, hex bytes, printable ASCII."""
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset : offset + 16]
        hex_part = " ".join(f"{byte:02x}" for byte in chunk)
        ascii_part = "".join(chr(byte) if 0x20 <= byte < 0x7F else "." for byte in chunk)
        lines.append(f"{offset:08x}  {hex_part:<47}  {ascii_part}")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit} more bytes")
    return "\n".join(lines)
