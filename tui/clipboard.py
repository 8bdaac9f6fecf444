"""The clipboard service: every copy goes through here, so clearing and reporting live in one place.

Two channels: OSC 52 through the terminal (`App.copy_to_clipboard`; works over SSH and in tmux
with `set-clipboard on`, but is blind: it cannot be read back) and the native clipboard through
pyperclip (needs xclip/xsel/wl-copy or a desktop; can be read back). `auto` uses both.

A copied secret is cleared after `timeout` seconds; each copy restarts the timer. The native
clipboard is cleared only if it still holds our value; over OSC 52 a single space is written
blind (tmux ignores an empty payload); `App.clipboard` (Textual's in-process copy) is wiped too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

MODES = ("auto", "osc52", "native", "off")
OSC52_BLANK = " "  # what a cleared terminal clipboard holds: tmux and some terminals ignore ""


class NativeClipboard(Protocol):
    def copy(self, text: str) -> None: ...
    def paste(self) -> str: ...


class ClipboardUnavailable(Exception):
    """The native clipboard cannot be used here. The message never contains clipboard content."""


class Pyperclip:
    """The system clipboard through pyperclip, with every pyperclip failure turned into
    ClipboardUnavailable (pyperclip raises on headless Linux, and its helpers can fail in many ways)."""

    def copy(self, text: str) -> None:
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception as error:  # noqa: BLE001 - any failure just means "no native clipboard"
            raise ClipboardUnavailable(_reason(error)) from None

    def paste(self) -> str:
        try:
            import pyperclip

            return pyperclip.paste()
        except Exception as error:  # noqa: BLE001
            raise ClipboardUnavailable(_reason(error)) from None


def _reason(error: Exception) -> str:
    # Only the type: some errors (e.g. UnicodeEncodeError) quote part of the text they were given.
    if type(error).__name__ == "PyperclipException":
        return "no clipboard program found (install xclip, xsel or wl-clipboard)"
    return f"the clipboard program failed ({type(error).__name__})"


@dataclass(frozen=True)
class CopyResult:
    osc52: bool  # written to the terminal (whether the terminal honours it cannot be known)
    native: bool  # the native clipboard accepted it
    native_problem: str = ""  # why the native clipboard was not used, when it was tried
    clears_in: float | None = None  # seconds until cleared, for secrets

    @property
    def copied(self) -> bool:
        return self.osc52 or self.native

    def channels(self) -> str:
        used = [name for name, ok in (("OSC 52", self.osc52), ("native clipboard", self.native)) if ok]
        return " + ".join(used)


class ClipboardService:
    def __init__(self, app: App, mode: str = "auto", timeout: float = 30.0, native: NativeClipboard | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"clipboard mode must be one of {', '.join(MODES)}")
        self._app = app
        self.mode = mode
        self.timeout = timeout
        self._native = native if native is not None else Pyperclip()
        self._secret: str | None = None  # what we put there and must clear; None when nothing
        self._secret_channels: tuple[bool, bool] = (False, False)
        self._timer: Timer | None = None

    @property
    def pending_clear(self) -> bool:
        return self._secret is not None

    def copy(self, text: str, secret: bool) -> CopyResult:
        """Copy `text`. A secret is cleared after the timeout; any copy replaces what we held."""
        self._cancel_timer()
        self._secret = None
        if self.mode == "off":
            return CopyResult(False, False, "copying is off (--clipboard off)")
        osc52 = self.mode in ("auto", "osc52")
        if osc52:
            self._app.copy_to_clipboard(text)
        native, problem = False, ""
        if self.mode in ("auto", "native"):
            try:
                self._native.copy(text)
                native = True
            except ClipboardUnavailable as error:
                problem = str(error)
        if not secret or not (osc52 or native):
            return CopyResult(osc52, native, problem)
        self._secret = text
        self._secret_channels = (osc52, native)
        if self.timeout > 0:
            self._timer = self._app.set_timer(self.timeout, self.clear, name="clipboard-clear")
        return CopyResult(osc52, native, problem, self.timeout if self.timeout > 0 else None)

    def clear(self) -> None:
        """Forget the copied secret everywhere we can. Safe to call when nothing is pending."""
        self._cancel_timer()
        secret, (osc52, native) = self._secret, self._secret_channels
        self._secret = None
        if secret is None:
            return
        if native:
            try:
                if self._native.paste() == secret:
                    self._native.copy("")
            except ClipboardUnavailable:
                pass  # nothing more we can do; the value may stay there
        if osc52:  # blind: the terminal cannot tell us what it holds
            # tmux ignores an empty OSC 52 payload, so overwrite with a blank instead.
            self._app.copy_to_clipboard(OSC52_BLANK)
            self._app._clipboard = ""  # Textual's in-process copy: nothing left at all

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
