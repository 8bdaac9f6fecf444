"""How a component status looks: one glyph for the sidebar, one line (and a hint) in place."""

from __future__ import annotations

from rich.text import Text

from dapr_secrets.backends.runtime import ComponentStatus, State
from dapr_secrets.tui.safe_text import escape_control

GLYPHS: dict[State, tuple[str, str]] = {
    State.PENDING: ("·", "dim"),
    State.OPENING: ("◌", "cyan"),
    State.READY: ("●", "green"),
    State.DEGRADED: ("▲", "bold red"),
    State.WAITING: ("~", "bold red"),  # parked: daprd never initialises it
    State.ERROR: ("!", "bold red"),
    State.UNSUPPORTED: ("✕", "dim"),
    State.SCOPED_OUT: ("–", "dim"),  # another app's: daprd does not load it here
}

WORDS: dict[State, str] = {
    State.PENDING: "not opened yet",
    State.OPENING: "opening…",
    State.READY: "ready",
    State.DEGRADED: "a reference gives no value",
    State.WAITING: "parked, never initialised",
    State.ERROR: "error",
    State.UNSUPPORTED: "not supported",
    State.SCOPED_OUT: "not loaded for this app",
}


def glyph(state: State) -> Text:
    char, style = GLYPHS[state]
    return Text(char, style=style, end="")


def status_line(status: ComponentStatus) -> Text:
    """"● ready", "~ waiting: <why>" and the hint on the next line."""
    char, style = GLYPHS[status.state]
    text = Text.assemble((f"{char} {WORDS[status.state]}", style), end="")
    if status.message:
        text.append(": " + escape_control(status.message))
    if status.hint:
        text.append("\nhint: " + escape_control(status.hint), style="italic")
    return text
