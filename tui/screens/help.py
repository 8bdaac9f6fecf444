"""`?`: every key, and what the app promises about values."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, str]] = [
    ("x", (
        "reveal or hide the highlighted value (re-masks when the cursor leaves, and after the reveal timeout); "
        "on a secret with several keys, reveals its first key in the Secret pane, where you pick the others"
    )),
    ("c", "copy the highlighted value without showing it (cleared after the clipboard timeout); the version shown"),
    ("=", "verify: type or paste a candidate; says only whether it matches the highlighted value (any key, any version)"),
    ("v", "read the next older version of the secret, then the current one again (Vault, Key Vault)"),
    ("versions list", (
        "below the keys in the Secret pane (tab into it): moving the cursor reads that version, "
        "x / c act on it, and the pane says why a version cannot be read"
    )),
    ("x / c", "on a component's metadata: reveal / copy a credential written as a plain value in its file"),
    ("a", (
        "age: how long ago each secret last changed, as the store says (a file store: the file's modification "
        "time), newest first; again: back to names. Ages are read only for the secrets shown, never their values"
    )),
    ("/", "filter the names of every ready store (stores not listed yet are listed now); enter jumps, esc closes"),
    ("ctrl+p", "command palette: jump to a secret or component, copy name / secretKeyRef / API URL, …"),
    ("ctrl+r", "refresh: read the component files and stores again, keeping what is open"),
    ("d", "doctor: everything wrong; enter jumps to the component or secret"),
    ("tab / shift+tab", "move between panes"),
    ("j / k, ↑ / ↓", "move"),
    ("enter / space", "expand a group or secret; on a reference, jump to it"),
    ("?", "this help"),
    ("q / ctrl+c", "quit (a copied value still waiting to be cleared is cleared first)"),
]
KUBERNETES_KEYS: list[tuple[str, str]] = [
    ("n", "switch namespace (the palette also switches context)"),
]

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
        self.keys = KEYS + (KUBERNETES_KEYS if kubernetes_mode else [])

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
