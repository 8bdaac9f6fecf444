"""Where the user was before each jump, for back (`ctrl+o`, `escape`) and forward (`ctrl+i`), like
a browser's history or vim's jump list: a jump records the place it leaves and drops what was
ahead; going back or forward swaps the current place with the one on the other side. No Textual
here: the main screen says what a place is and goes there."""

from __future__ import annotations

from dataclasses import dataclass

LIMIT = 100  # places kept behind; the oldest go first


@dataclass(frozen=True)
class Place:
    """A view and what was selected in it: a secret (and key) in a store, or a row of a component."""

    component: str
    secret: str | None = None
    key: str | None = None
    row: str | None = None  # a component view's metadata row
    query: str | None = None  # the filter was open with this query (back reopens it, as k9s returns to a filtered list)

    def describe(self) -> str:
        if self.secret is None:
            return self.component
        return f"{self.component}/{self.secret}" + (f"[{self.key}]" if self.key else "")


class History:
    def __init__(self, limit: int = LIMIT) -> None:
        self._back: list[Place] = []
        self._forward: list[Place] = []
        self._limit = limit

    @property
    def can_go_back(self) -> bool:
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def record(self, leaving: Place | None) -> None:
        """A jump leaves `leaving` (None: nothing shown yet): it goes behind, what was ahead is gone."""
        self._forward.clear()
        if leaving is None or (self._back and self._back[-1] == leaving):
            return
        self._back.append(leaving)
        del self._back[: -self._limit]

    def back(self, current: Place | None) -> Place | None:
        """The place to go back to (None: none), with `current` kept for forward."""
        if not self._back:
            return None
        if current is not None:
            self._forward.append(current)
        return self._back.pop()

    def forward(self, current: Place | None) -> Place | None:
        if not self._forward:
            return None
        if current is not None:
            self._back.append(current)
        return self._forward.pop()

    def clear(self) -> None:
        """Another runtime (namespace or context switched): the places of the old one mean nothing."""
        self._back.clear()
        self._forward.clear()
