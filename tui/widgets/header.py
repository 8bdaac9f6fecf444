"""The header line: where the components come from on the left (cut with "…" when the terminal is
narrow), and on the right what must stay readable at 80 columns: how many components are wrong, the
app id and the Configuration in force. When even those do not fit, the count gets shorter first,
then the Configuration goes; the app id is cut only when it alone is wider than the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.widgets import Static

from dapr_secrets.backends.runtime import State
from dapr_secrets.tui.widgets.status import GLYPHS, SUMMARY_WORDS, summary

MIN_WHERE = len("dapr-secrets") + 1  # the left part is never squeezed below the app's name
GAP = "  "


def short_summary(states: Iterable[State]) -> Text:
    """"✖2 ✗4 ▲1": the marks instead of the words, for a narrow terminal."""
    states = list(states)
    text = Text(end="")
    for state, _one, _many in SUMMARY_WORDS:
        count = sum(s == state for s in states)
        if count:
            if text:
                text.append(" ")
            char, style = GLYPHS[state]
            text.append(char, style=style)
            text.append(str(count), style="bold red" if state != State.DEGRADED else "yellow")
    return text


def _joined(parts: Iterable[Text | None]) -> Text:
    return Text(GAP, end="").join(part for part in parts if part)


def fit(where: Text, facts: list[Text | None], summaries: tuple[Text, Text], width: int) -> Text:
    """One line of `width` cells: `where` on the left, the summary and `facts` (app id, then the
    Configuration, then the rest) on the right; see the module's docstring for what gives way."""
    app, config, *rest = facts
    for counted, shown_config in ((summaries[0], config), (summaries[1], config), (summaries[1], None)):
        right = _joined([counted, app, shown_config, *rest])
        room = width - right.cell_len - len(GAP)
        if room >= MIN_WHERE:
            left = where.copy()
            left.truncate(room, overflow="ellipsis")
            return Text.assemble(left, " " * (width - left.cell_len - right.cell_len), right, end="")
    line = _joined([summaries[1], app, *rest])
    line.truncate(width, overflow="ellipsis")
    return line


class HeaderLine(Static):
    """The header: `show` what to say; it is laid out for the width it has, on every resize."""

    DEFAULT_CSS = """
    HeaderLine { height: auto; max-height: 2; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._where = Text()
        self._facts: list[Text | None] = [None, None]
        self._note: Text | None = None
        self._states: list[State] = []

    def show(self, where: Text, facts: list[Text | None], note: Text | None = None, states: Iterable[State] = ()) -> None:
        """`facts`: the app id, the Configuration, then anything else, each None when not known;
        `note`: a second line (a switch under way, or why it failed)."""
        self._where, self._facts, self._note, self._states = where, facts, note, list(states)
        self.refresh(layout=True)

    def essential_width(self) -> int:
        """Cells the header needs at least (the short count, the app id and the rest, its padding):
        the copy badge beside it takes no more than what is left."""
        return _joined([short_summary(self._states), *self._facts[:1], *self._facts[2:]]).cell_len + self.styles.gutter.width

    def render(self) -> Text:
        width = self.content_region.width or 200  # before the first layout: everything
        line = fit(self._where, self._facts, (summary(self._states), short_summary(self._states)), width)
        if self._note is not None:
            note = self._note.copy()
            note.truncate(width, overflow="ellipsis")
            line = Text("\n", end="").join([line, note])
        return line

    def on_resize(self) -> None:
        self.refresh()
