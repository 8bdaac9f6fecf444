"""The copy badge: while a copied secret waits to be cleared from the clipboard, a badge at the top
right says which one and in how long (`c demo-file/redis:password 24s`), and whether the copy could
be confirmed (over OSC 52 alone the terminal cannot be asked). Never the value; the name is
untrusted text, escaped by whoever copied it and shown as plain text (no markup). Hidden otherwise."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from dapr_secrets.tui.clipboard import ClipboardService, PendingCopy

NAME_WIDTH = 32  # cells of the name at most: the header beside it keeps the app id readable
MIN_NAME_WIDTH = 8  # however little room the header leaves


def tail(what: str, width: int) -> Text:
    """`what` in at most `width` characters, starting with "…" when cut: the secret's name is at
    the end (`store/name [key]`), the part worth keeping."""
    if len(what) <= width:
        return Text(what, end="")
    return Text.assemble(("…", "dim"), what[len(what) - width + 1 :], end="")


def badge_text(pending: PendingCopy, now: float, name_width: int = NAME_WIDTH) -> Text:
    text = Text.assemble(("c ", "bold"), tail(pending.what, name_width), end="")
    if pending.clears_at is not None:
        text.append(f" {max(0, math.ceil(pending.clears_at - now))}s", style="bold")
    if not pending.confirmed:
        text.append(" unconfirmed", style="italic")  # OSC 52 only: the terminal may have ignored it
    return text


class CopyBadge(Static):
    DEFAULT_CSS = """
    CopyBadge {
        width: auto;
        height: 1;
        padding: 0 1;
        background: $warning 30%;
        display: none;
    }
    """

    def __init__(self, service: ClipboardService, room: Callable[[], int] | None = None, **kwargs: Any) -> None:
        """`room`: the cells the badge may take (what the header beside it leaves), asked at each tick."""
        super().__init__(markup=False, **kwargs)
        self.service = service
        self._room = room
        self._ticker: Timer | None = None

    def on_mount(self) -> None:
        self.service.changed.subscribe(self, self._changed)
        self._changed(self.service.pending)

    def _changed(self, pending: PendingCopy | None) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.display = pending is not None
        if pending is not None:
            self.tick()
            if pending.clears_at is not None:
                self._ticker = self.set_interval(1.0, self.tick, name="copy-badge")

    def tick(self) -> None:
        pending = self.service.pending
        if pending is not None:
            now = self.service.clock()
            width = NAME_WIDTH
            if self._room is not None:  # the name gives way first: the rest of the badge is short
                fixed = badge_text(replace(pending, what=""), now).cell_len + self.styles.gutter.width
                width = max(MIN_NAME_WIDTH, min(NAME_WIDTH, self._room() - fixed))
            self.update(badge_text(pending, now, width))
