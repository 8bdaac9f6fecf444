"""Which components use each secret: the tree's "used by N" badge and the order `]` / `[` walk
them in. Built once per runtime from its references (scoped-out components included: rotating a
shared secret concerns every app that uses it), never per label drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import Runtime
    from dapr_secrets.components.model import Reference


class UsedBy:
    def __init__(self, runtime: Runtime) -> None:
        self._refs: dict[tuple[str, str], list[Reference]] = {}
        # Components only (an HTTPEndpoint has no view to land in); loaded ones first, as the
        # "Referenced by" pane lists them.
        for ref in runtime.references() + runtime.scoped_out_references():
            if ref.kind == "Component" and ref.store:
                self._refs.setdefault((ref.store, ref.secret), []).append(ref)
        self._counts = {where: len({ref.component for ref in refs}) for where, refs in self._refs.items()}

    def count(self, store: str, secret: str) -> int:
        """How many components reference the secret (any of its keys)."""
        return self._counts.get((store, secret), 0)

    def references(self, store: str, secret: str, key: str | None = None) -> list[Reference]:
        """The secretKeyRefs to the secret (to `key` only, when given), in walking order."""
        refs = self._refs.get((store, secret), [])
        return [ref for ref in refs if ref.key == key] if key is not None else list(refs)

    def badge(self, store: str, secret: str) -> Text | None:
        count = self.count(store, secret)
        return Text(f"  used by {count}", style="dim cyan", end="") if count else None
