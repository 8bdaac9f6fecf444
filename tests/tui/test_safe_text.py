"""tui/safe_text.py: untrusted names and values become plain, escaped Text; the mask has one width."""

from __future__ import annotations

import json

from rich.text import Text

from dapr_secrets.tui.safe_text import (
    MASK,
    ValueKind,
    escape_control,
    hex_dump,
    masked_value,
    safe_text,
    value_display,
    value_kind,
    value_preview,
)


def test_terminal_escape_sequences_are_shown_not_executed():
    text = escape_control("evil\x1b[2J\x1b]52;c;AAAA\x07name")
    assert "\x1b" not in text and "\x07" not in text
    assert text == "evil\\e[2J\\e]52;c;AAAA\\x07name"


def test_newlines_tabs_and_c1_controls_are_escaped_in_names():
    assert escape_control("a\nb\tc\rd\x85e\x7f") == "a\\nb\\tc\\rd\\x85e\\x7f"


def test_bidi_overrides_are_escaped_so_text_cannot_be_reordered():
    assert escape_control("admin\u202egnp.exe") == "admin\\u202egnp.exe"


def test_undecodable_bytes_show_as_hex_escapes():
    raw = b"ok\xff\xfe".decode("utf-8", "surrogateescape")
    assert escape_control(raw) == "ok\\xff\\xfe"


def test_printable_unicode_is_left_alone():
    assert escape_control("café – 秘密 🔑") == "café – 秘密 🔑"


def test_markup_in_names_is_never_parsed():
    text = safe_text("[bold red]not markup[/] [link=http://x]y[/link]")
    assert isinstance(text, Text)
    assert text.plain == "[bold red]not markup[/] [link=http://x]y[/link]"
    assert not text.spans


def test_the_mask_has_the_same_width_whatever_the_value():
    assert masked_value().plain == MASK
    assert len(MASK) == 8


def test_value_kinds():
    assert value_kind("") == ValueKind.EMPTY
    assert value_kind("plain") == ValueKind.TEXT
    assert value_kind("line1\nline2") == ValueKind.MULTILINE
    assert value_kind("single line with trailing newline\n") == ValueKind.TEXT
    assert value_kind('{"a": 1}') == ValueKind.JSON
    assert value_kind("[1, 2]") == ValueKind.JSON
    assert value_kind("{not json") == ValueKind.TEXT
    assert value_kind("123") == ValueKind.TEXT  # a JSON scalar is not worth pretty-printing
    assert value_kind("a\x00b") == ValueKind.BINARY
    assert value_kind(b"\x89PNG\xff".decode("utf-8", "surrogateescape")) == ValueKind.BINARY


def test_json_is_pretty_printed_only_in_the_full_display():
    value = '{"retries":3,"region":"demo-1"}'
    assert value_display(value).plain == json.dumps(json.loads(value), indent=2)
    assert value_preview(value, 40).plain == value


def test_multiline_values_keep_their_lines_but_escape_controls():
    shown = value_display("first\nsecond\x1b[31m").plain
    assert shown == "first\nsecond\\e[31m"
    preview = value_preview("first\nsecond", 40).plain
    assert preview.startswith("first") and "second" not in preview and preview.endswith("…")


def test_long_values_are_cut_to_the_column_width():
    preview = value_preview("x" * 100, 20)
    assert preview.cell_len == 20 and preview.plain.endswith("…")


def test_binary_values_become_a_hex_dump_not_mojibake():
    raw = bytes(range(40)) + b"\xff"
    value = raw.decode("utf-8", "surrogateescape")
    shown = value_display(value).plain
    assert shown.splitlines()[0].startswith("00000000  00 01 02 03")
    assert "\ufffd" not in shown and "\x00" not in shown
    assert hex_dump(raw).count("\n") == 2
    assert "binary" in value_preview(value, 30).plain
