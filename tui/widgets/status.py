"""How a component status looks: one mark for the sidebar, one line (and a hint) in place, the
header's count of what is wrong, and the legend `?` help shows for every mark the app uses.

Marks go from quiet to loud with how bad the state is: parked forever (daprd never initialises the
component, nor says so) is the loudest; "API denied" is about the app's secrets-API access, not about
a component, so its mark is neutral."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text

from dapr_secrets.backends.runtime import ComponentStatus, State
from dapr_secrets.components.model import Severity
from dapr_secrets.tui.safe_text import escape_control

PARKED_STYLE = "bold white on red"  # the loudest mark: a component daprd would never load

GLYPHS: dict[State, tuple[str, str]] = {
    State.PENDING: ("·", "dim"),
    State.OPENING: ("◌", "cyan"),
    State.READY: ("●", "green"),
    State.DEGRADED: ("▲", "yellow"),  # daprd initialises it, but a reference gives no value
    State.WAITING: ("✖", PARKED_STYLE),  # parked: daprd never initialises it
    State.ERROR: ("✗", "bold red"),
    State.UNSUPPORTED: ("?", "dim"),
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

API_DENIED = ("⊘ API denied", "dim italic")  # the tree's mark (tui/scopes.py): the app's access, not a component's health

# The header's summary: the states worth counting, loudest first, as "2 parked · 4 errors".
SUMMARY_WORDS = ((State.WAITING, "parked", "parked"), (State.ERROR, "error", "errors"), (State.DEGRADED, "degraded", "degraded"))


def glyph(state: State) -> Text:
    char, style = GLYPHS[state]
    return Text(char, style=style, end="")


def status_line(status: ComponentStatus) -> Text:
    """"● ready", "✖ parked, never initialised: <why>" and the hint on the next line."""
    char, style = GLYPHS[status.state]
    word_style = "bold red" if style == PARKED_STYLE else style  # the mark is loud enough; the words stay readable
    text = Text.assemble((char, style), (f" {WORDS[status.state]}", word_style), end="")
    if status.message:
        text.append(": " + escape_control(status.message))
    if status.hint:
        text.append("\nhint: " + escape_control(status.hint), style="italic")
    return text


def summary(states: Iterable[State]) -> Text:
    """"2 parked · 4 errors" (only the states there are), or "" when nothing is wrong."""
    counts = Counter(states)
    text = Text(end="")
    for state, one, many in SUMMARY_WORDS:
        if counts[state]:
            if text:
                text.append(" · ", style="dim")
            text.append(f"{counts[state]} {one if counts[state] == 1 else many}", style=GLYPHS[state][1])
    return text


def legend() -> list[tuple[Text, str]]:
    """(mark, what it means) for every mark and colour of the sidebar, the tree and the doctor."""
    from dapr_secrets.tui.screens.doctor import SEVERITY_STYLE  # here: the doctor imports this module

    rows: list[tuple[Text, str]] = [
        (glyph(State.WAITING), "parked forever: daprd never initialises it and logs only a warning (a missing or failing "
                               "auth.secretStore, a cycle); the worst state"),
        (glyph(State.ERROR), "error: daprd's Init would fail (daprd exits unless ignoreErrors), or a store's names cannot be listed"),
        (glyph(State.DEGRADED), "degraded: daprd initialises it, but a secretKeyRef gives no value"),
        (glyph(State.READY), "ready: a store that opened, or a component whose references all resolve"),
        (Text.assemble(glyph(State.PENDING), " ", glyph(State.OPENING)), "not opened yet / opening"),
        (glyph(State.UNSUPPORTED), "a store type this tool cannot open yet"),
        (glyph(State.SCOPED_OUT), "greyed: another app's component (its scopes leave this app out); daprd does not load it here"),
        (Text(*API_DENIED), "tree: the app's secrets API may not read this name (secret scopes, 403); "
                            "components still resolve it: not a component problem"),
        (Text("⋯ loading", style="dim italic"), "tree: names still arriving"),
        (Text.assemble(("✓ ok", "green"), "  ", ("! empty", "yellow"), "  ", ("✗ code", "red")),
         "Referenced by: resolves / resolves to an empty value / does not resolve (the code says why)"),
    ]
    for severity, meaning in DOCTOR_MEANING.items():
        word, style = SEVERITY_STYLE[severity]
        rows.append((Text(word, style=style), f"doctor: {meaning}"))
    return rows


DOCTOR_MEANING = {
    Severity.ERROR: "daprd would refuse to start, or the thing can never work (a parked component shows the parked mark)",
    Severity.WARNING: "daprd skips it, or does something you most likely did not mean",
    Severity.INFO: "worth knowing; nothing is wrong",
}
