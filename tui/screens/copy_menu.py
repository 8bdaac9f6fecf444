"""`y`: a small menu of what to copy about the highlighted secret, each with a one-letter key (as
lazygit's copy menu): its value, its name, a `secretKeyRef` snippet, or its Dapr API URL.

The menu only says which was picked (the main screen's copy actions do the copying: the value
through the one safe copy path, masked, audited and cleared; the others never hold a value).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class CopyChoice:
    letter: str
    action: str  # the main screen's action that copies it (tui/actions.py)
    label: str
    detail: str = ""


VALUE = CopyChoice("v", "copy", "value", "masked, cleared after the clipboard timeout")
NAME = CopyChoice("n", "copy_name", "name")
REFERENCE = CopyChoice("s", "copy_reference", "secretKeyRef snippet", "YAML for a component's metadata")
URL = CopyChoice("u", "copy_url", "Dapr API URL", "http://localhost:3500/v1.0/secrets/…")
FOR_SECRET = (VALUE, NAME, REFERENCE, URL)


class CopyMenu(ModalScreen[str | None]):
    """Dismissed with the picked choice's action, or None (escape, y again)."""

    BINDINGS = [
        Binding("escape,y", "dismiss_menu", "Close"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    def __init__(self, what: str, choices: tuple[CopyChoice, ...] = FOR_SECRET) -> None:
        super().__init__()
        self.what = what  # already escaped
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-menu-body") as body:
            body.border_title = "Copy"
            yield Static(Text.assemble(("of ", "dim"), (self.what, "bold")), id="copy-menu-what")
            yield OptionList(*(Option(_line(choice), id=choice.action) for choice in self.choices), id="copy-menu-choices")
            yield Static(Text("a letter or enter picks; esc closes", style="dim"))

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_key(self, event: events.Key) -> None:
        for choice in self.choices:
            if event.key == choice.letter:
                event.stop()
                self.dismiss(choice.action)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_menu(self) -> None:
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()


def _line(choice: CopyChoice) -> Text:
    text = Text.assemble((f" {choice.letter} ", "bold reverse"), "  ", (choice.label, "bold"), end="")
    if choice.detail:
        text.append(f"  {choice.detail}", style="dim")
    return text
