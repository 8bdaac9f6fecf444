"""Escaping untrusted text for a terminal, without Rich or Textual (the headless CLI uses it too)."""

from __future__ import annotations

import json
import re

# Characters that can move the cursor, hide text or reorder it (Trojan Source) when printed raw.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SHORT_ESCAPES = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "\x1b": "\\e"}


def escape_control(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control, bidi-override, zero-width/format and undecodable character written
    as an escape: what is left draws only visible glyphs and spaces."""
    if is_printable(text):
        return text  # the common case, at C speed
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif char in _BIDI_CONTROLS or 0xD800 <= code <= 0xDFFF or not char.isprintable():
            # also zero-width and other format characters (U+200B, U+200D, U+FEFF...) and line separators
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def is_printable(text: str) -> bool:
    """True when escape_control(text) would return text unchanged (newlines count as control)."""
    if text.isascii():  # O(1) to ask; then one memcpy-speed pass, with no bidi set to search
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return text.isprintable() and not _BIDI_CONTROLS.intersection(text)


# Characters JSON leaves raw that are unsafe in a terminal: DEL, C1, bidi, zero-width, separators, lone surrogates.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def json_text(document: object, indent: int | None = 2) -> str:
    """Every --json output: readable non-ASCII text, but no character that is unsafe in a terminal."""
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
