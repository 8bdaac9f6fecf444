"""`?`: every key as bound now (described in tui/actions.py; a key the user rebound shows as rebound),
the legend of every status mark, and what the app promises about values."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dapr_secrets.tui.actions import help_rows
from dapr_secrets.tui.widgets.status import legend

PROMISES = (
    "Values are masked with a fixed-width mask that hides their length. Nothing is written to a store. "
    "Copying never reveals. Notifications name the secret, never the value. Over OSC 52 the terminal "
    "cannot be read back, so clearing overwrites it blind with a blank; the native clipboard is only "
    "cleared if it still holds the copied value."
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #help-legend-title { margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def __init__(self, kubernetes_mode: bool = False) -> None:
        super().__init__()
        self.kubernetes_mode = kubernetes_mode
        self.keys: list[tuple[str, str]] = []  # every key's paragraph, from the one table (tui/actions.py), as bound
        self.legend = legend()  # every mark of the sidebar, the tree and the doctor

    def compose(self) -> ComposeResult:
        self.keys = help_rows(self.kubernetes_mode, self.app._keymap)  # the user's [keys] overrides (tui/preferences.py)
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()
        for key, what in self.keys:
            keys.add_row(key, what)
        marks = Table.grid(padding=(0, 2))
        marks.add_column(no_wrap=True)
        marks.add_column()
        for mark, what in self.legend:
            marks.add_row(mark, what)
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            yield Static(keys)
            yield Static(Text("Legend", style="bold"), id="help-legend-title")
            yield Static(marks, id="help-legend")
            yield Static(Text(PROMISES, style="dim"), id="help-promises")
