"""The clipboard service: every copy goes through here, so clearing and reporting live in one place.

Two channels: OSC 52 through the terminal (`App.copy_to_clipboard`; works over SSH and in tmux
with `set-clipboard on`, but is blind: it cannot be read back) and the native clipboard through
pyperclip (needs xclip/xsel/wl-copy or a desktop; can be read back). `auto` uses both.

A copied secret is cleared after `timeout` seconds; each copy restarts the timer. The native
clipboard is cleared only if it still holds our value; over OSC 52 a single space is written
blind; `App.clipboard` (Textual's in-process copy) is wiped too.

Inside tmux, OSC 52 would leave the value in tmux's paste history for good, so the copy goes into
a named tmux buffer instead (`load-buffer -w` also hands it to the outer terminal's clipboard), and
clearing deletes that buffer. The value reaches tmux on stdin, never on a command line.

While a copied secret waits to be cleared, `pending` says what it is (its name, never the value),
when it will be cleared and whether the copy could be confirmed; `changed` fires when that changes
(the copy badge, tui/widgets/copy_badge.py, shows it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from textual.signal import Signal

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

            text: str = pyperclip.paste()
            return text
        except Exception as error:  # noqa: BLE001
            raise ClipboardUnavailable(_reason(error)) from None


def _reason(error: Exception) -> str:
    # Only the type: some errors (e.g. UnicodeEncodeError) quote part of the text they were given.
    if type(error).__name__ == "PyperclipException":
        return "no clipboard program found (install xclip, xsel or wl-clipboard)"
    return f"the clipboard program failed ({type(error).__name__})"


TMUX_BUFFER = "dapr-secrets"  # the named tmux buffer our copies live in


class TmuxBuffer:
    """A named buffer of the tmux server this app runs in (found through $TMUX)."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        env = dict(os.environ) if env is None else env
        self.tmux = shutil.which("tmux") if env.get("TMUX") else None

    @property
    def available(self) -> bool:
        return self.tmux is not None

    def _run(self, *args: str, data: bytes | None = None) -> bool:
        try:
            done = subprocess.run([self.tmux or "tmux", *args], input=data, capture_output=True, timeout=2, check=False)
        except (OSError, subprocess.SubprocessError):
            return False
        return done.returncode == 0

    def copy(self, text: str) -> bool:
        data = text.encode("utf-8", "surrogateescape")
        # -w: also to the outer terminal's clipboard (tmux >= 3.2); older tmux keeps it in tmux only.
        return self._run("load-buffer", "-w", "-b", TMUX_BUFFER, "-", data=data) or self._run(
            "load-buffer", "-b", TMUX_BUFFER, "-", data=data
        )

    def clear(self) -> None:
        self._run("set-buffer", "-w", "-b", TMUX_BUFFER, OSC52_BLANK)  # the outer terminal gets a blank
        self._run("delete-buffer", "-b", TMUX_BUFFER)


@dataclass(frozen=True)
class PendingCopy:
    """A copied secret waiting to be cleared, as the badge shows it: never the value."""

    what: str  # its name, already escaped by the caller (untrusted text)
    clears_at: float | None  # the service's clock (monotonic) when it is cleared; None: on quit only
    confirmed: bool  # the native clipboard or the tmux buffer took it; False: OSC 52 only, which is blind


@dataclass(frozen=True)
class CopyResult:
    osc52: bool  # written to the terminal (whether the terminal honours it cannot be known)
    native: bool  # the native clipboard accepted it
    native_problem: str = ""  # why the native clipboard was not used, when it was tried
    clears_in: float | None = None  # seconds until cleared, for secrets
    tmux: bool = False  # in the named tmux buffer (instead of OSC 52, inside tmux)

    @property
    def copied(self) -> bool:
        return self.osc52 or self.native or self.tmux

    def channels(self) -> str:
        named = (("tmux buffer", self.tmux), ("OSC 52, cannot be confirmed", self.osc52), ("native clipboard", self.native))
        return " + ".join(name for name, ok in named if ok)


class ClipboardService:
    def __init__(
        self, app: App[Any], mode: str = "auto", timeout: float = 30.0, native: NativeClipboard | None = None,
        tmux: TmuxBuffer | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"clipboard mode must be one of {', '.join(MODES)}")
        self._app = app
        self.mode = mode
        self.timeout = timeout
        self._native = native if native is not None else Pyperclip()
        self._tmux = tmux if tmux is not None else TmuxBuffer()
        self._secret: str | None = None  # what we put there and must clear; None when nothing
        self._secret_channels: tuple[bool, bool, bool] = (False, False, False)
        self._timer: Timer | None = None
        self._told_native_problem = False  # "no native clipboard" is said once per session
        self.clock: Callable[[], float] = time.monotonic  # tests move it on
        self.pending: PendingCopy | None = None
        self.changed: Signal[PendingCopy | None] = Signal(app, "clipboard-changed")  # pending changed

    @property
    def pending_clear(self) -> bool:
        return self._secret is not None

    def copy(self, text: str, secret: bool, what: str = "") -> CopyResult:
        """Copy `text` (named `what`, escaped, for the badge). A secret is cleared after the timeout;
        any copy replaces what we held."""
        self._cancel_timer()
        self._secret = None
        self._set_pending(None)
        if self.mode == "off":
            return CopyResult(False, False, "copying is off (--clipboard off)")
        terminal = self.mode in ("auto", "osc52")
        in_tmux = terminal and self._tmux.available and self._tmux.copy(text)
        osc52 = terminal and not in_tmux
        if osc52:
            self._app.copy_to_clipboard(text)
        native, problem = False, ""
        if self.mode in ("auto", "native"):
            try:
                self._native.copy(text)
                native = True
            except ClipboardUnavailable as error:
                problem = str(error)
        if not secret or not (osc52 or native or in_tmux):
            return CopyResult(osc52, native, problem, tmux=in_tmux)
        self._secret = text
        self._secret_channels = (osc52, native, in_tmux)
        if self.timeout > 0:
            self._timer = self._app.set_timer(self.timeout, self.clear, name="clipboard-clear")
        clears_at = self.clock() + self.timeout if self.timeout > 0 else None
        self._set_pending(PendingCopy(what or "a secret", clears_at, confirmed=native or in_tmux))
        return CopyResult(osc52, native, problem, self.timeout if self.timeout > 0 else None, tmux=in_tmux)

    def copy_and_tell(self, text: str, what: str, secret: bool, badge: str = "") -> bool:
        """Copy `text` and tell the user how it went, naming it `what` (already escaped, never the
        value; `badge`: a shorter name for the badge, else `what`). False when nothing could be copied."""
        result = self.copy(text, secret=secret, what=badge or what)
        if not result.copied:
            self._app.notify(f"Could not copy {what}: {result.native_problem or 'no clipboard'}", severity="error", markup=False)
            return False
        message = f"Copied {what} ({result.channels()})"
        if result.clears_in:
            message += f"; cleared in {result.clears_in:g} s"
        if result.native_problem and self.mode == "auto" and not self._told_native_problem:
            self._told_native_problem = True  # once per session: it will not change by itself
            message += f"\nnative clipboard: {result.native_problem}"
        self._app.notify(message, markup=False)
        return True

    def clear(self) -> None:
        """Forget the copied secret everywhere we can. Safe to call when nothing is pending."""
        self._cancel_timer()
        secret, (osc52, native, in_tmux) = self._secret, self._secret_channels
        self._secret = None
        self._set_pending(None)
        if secret is None:
            return
        if native:
            try:
                if self._native.paste() == secret:
                    self._native.copy("")
            except ClipboardUnavailable:
                pass  # nothing more we can do; the value may stay there
        if in_tmux:
            self._tmux.clear()
        if osc52:  # blind: the terminal cannot tell us what it holds
            # some terminals ignore an empty OSC 52 payload, so overwrite with a blank instead.
            try:
                self._app.copy_to_clipboard(OSC52_BLANK)
            except OSError:  # the terminal is gone (SIGHUP)
                pass
        self._app._clipboard = ""  # Textual's in-process copy: nothing left at all

    def _set_pending(self, pending: PendingCopy | None) -> None:
        if pending != self.pending:
            self.pending = pending
            try:
                self.changed.publish(pending)
            except Exception:  # noqa: BLE001 - the badge is extra: a copy or a clear must never fail on it
                pass

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
