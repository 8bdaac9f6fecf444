"""`?`: every key (described in tui/actions.py), and what the app promises about values."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dapr_secrets.tui.actions import help_rows

PROMISES = (
    "Values are masked with a fixed-width mask that hides their length. Nothing is written to a store. "
    "Copying never reveals. Notifications name the secret, never the value. Over OSC 52 the terminal "
    "cannot be read back, so clearing overwrites it blind with a blank; the native clipboard is only "
    "cleared if it still holds the copied value."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def __init__(self, kubernetes_mode: bool = False) -> None:
        super().__init__()
        self.keys = help_rows(kubernetes_mode)  # every key's paragraph, from the one table (tui/actions.py)

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in self.keys:
            table.add_row(key, what)
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            yield Static(table)
            yield Static(Text(PROMISES, style="dim"), id="help-promises")
