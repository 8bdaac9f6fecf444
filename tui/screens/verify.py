"""`=`: is this candidate the highlighted value? Answers "matches" or "does not match", never a value.

The candidate is typed or pasted into a masked input, handed to `check` on enter and wiped from the
input at once (before the comparison runs). It never reaches the screen unmasked, a notification,
the palette's history (this is not the palette), a log or the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from dapr_secrets.backends.redaction import MASK


class BlindInput(Input):
    """A password input that does not show how long the candidate is: one fixed-width mask once
    anything is typed, the cursor always after it (Textual's password input draws one dot a char)."""

    @property
    def _value(self) -> Text:
        return Text(MASK if self.value else "", no_wrap=True, overflow="ignore", end="")

    def _position_to_cell(self, position: int) -> int:
        return len(MASK) if self.value else 0


class VerifyScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, label: str, check: Callable[[str], None]) -> None:
        super().__init__()
        self.label = label  # already escaped
        self._check: Callable[[str], None] | None = check

    def compose(self) -> ComposeResult:
        with Vertical(id="verify-body") as body:
            body.border_title = "Verify without revealing"
            yield Static(Text.assemble("Does the candidate equal ", (self.label, "bold"), "?"), id="verify-what")
            yield BlindInput(password=True, placeholder="type or paste the candidate, then enter", id="verify-candidate")
            yield Static(Text("The answer is only \"matches\" or \"does not match\". esc cancels.", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#verify-candidate", Input)
        candidate = event.value
        field.value = ""  # wiped from the input before anything else happens
        check, self._check = self._check, None
        self.dismiss()
        if check is not None:
            check(candidate)
        del candidate

    def action_cancel(self) -> None:
        self.query_one("#verify-candidate", Input).value = ""
        self._check = None
        self.dismiss()
