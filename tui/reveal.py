"""Which values of a pane are revealed, and the timer that hides them again.

Every pane that can reveal a value (the Secret pane, a component's plain credentials) holds one
RevealState: reveal is explicit and per value, and everything is masked again after `timeout`
seconds (restarted by each reveal), when the cursor leaves (`keep_only`) and when another screen
opens or the terminal loses focus (the app calls each pane's `mask`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widget import Widget

K = TypeVar("K", bound=Hashable)


class RevealState(Generic[K]):
    def __init__(self, owner: Widget, timeout: float, on_change: Callable[[], None]) -> None:
        self._owner = owner  # whose timers these are: they stop with it
        self.timeout = timeout  # seconds; 0 or less: no automatic re-mask
        self._on_change = on_change  # redraw what is shown
        self._shown: frozenset[K] = frozenset()
        self._timer: Timer | None = None

    @property
    def shown(self) -> frozenset[K]:
        return self._shown

    def __contains__(self, key: object) -> bool:
        return key in self._shown

    def __bool__(self) -> bool:
        return bool(self._shown)

    def toggle(self, key: K, alone: bool = False) -> bool:
        """Reveal `key`, or hide it when it is shown; `alone`: nothing else stays revealed. Restarts
        the re-mask timer. True when `key` is now revealed."""
        if key in self._shown:
            self._shown = frozenset() if alone else self._shown - {key}
        else:
            self._shown = frozenset({key}) if alone else self._shown | {key}
        self._restart_timer()
        self._on_change()
        return key in self._shown

    def keep_only(self, keys: Iterable[K]) -> None:
        """The cursor moved: keep revealed only what it still points at."""
        kept = self._shown & frozenset(keys)
        if kept != self._shown:
            self._shown = kept
            self._on_change()

    def mask(self) -> None:
        """Hide everything (timeout, cursor left, refresh, another screen, focus lost)."""
        self._stop_timer()
        if self._shown:
            self._shown = frozenset()
            self._on_change()

    def _restart_timer(self) -> None:
        self._stop_timer()
        if self._shown and self.timeout > 0:
            self._timer = self._owner.set_timer(self.timeout, self.mask, name="reveal-timeout")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
