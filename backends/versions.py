"""What changed between the versions of a secret, value-blind: for each version, which keys were
added, removed or changed compared with the version before it, and when.

Old versions' values are read here (through the store's GET with version_id, as Dapr would) only
when someone asks for the changes; they are compared in constant time and dropped. Only key names
leave this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from dapr_secrets.backends.base import SecretStore, SecretVersion, StoreError
from dapr_secrets.backends.verify import values_match

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_VERSIONS = 20  # the newest versions compared; each is one read
UNREADABLE_STATES = ("destroyed", "deleted", "disabled")


@dataclass(frozen=True)
class VersionChange:
    version: str
    created: str  # when the store says the version was made ("" when it does not)
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    first: bool = False  # the oldest version compared: its keys are all "added"
    unreadable: str = ""  # why this version could not be compared

    def summary(self) -> str:
        if self.unreadable:
            return f"cannot compare: {self.unreadable}"
        parts = []
        if self.added:
            parts.append(("keys " if self.first else "added ") + ", ".join(self.added))
        if self.removed:
            parts.append("removed " + ", ".join(self.removed))
        if self.changed:
            parts.append("changed " + ", ".join(self.changed))
        return "; ".join(parts) or "no change"

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "created": self.created or None, "added": list(self.added),
                "removed": list(self.removed), "changed": list(self.changed), "first": self.first,
                "unreadable": self.unreadable or None}


def key_changes(older: Mapping[str, str], newer: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(added, removed, changed) key names, sorted; values compared in constant time."""
    added = tuple(sorted(newer.keys() - older.keys()))
    removed = tuple(sorted(older.keys() - newer.keys()))
    changed = tuple(sorted(key for key in newer.keys() & older.keys() if not values_match(older[key], newer[key])))
    return added, removed, changed


def version_changes(store: SecretStore, name: str, versions: Sequence[SecretVersion],
                    limit: int = MAX_VERSIONS) -> list[VersionChange]:
    """Newest first, like `versions`. A version that cannot be read (destroyed, deleted, disabled,
    or the read fails) is listed with the reason, and the next newer readable one is compared with
    the next older readable one."""
    shown = list(versions[:limit])
    values: dict[str, dict[str, str]] = {}
    reasons: dict[str, str] = {}
    for version in shown:
        words = {word.strip() for word in version.state.split(",")}  # "current, disabled"
        state = next((s for s in UNREADABLE_STATES if s in words), "")
        if state:
            reasons[version.id] = f"it is {state}"
            continue
        try:
            values[version.id] = store.get_secret(name, {store.version_key: version.id}) or {}
        except StoreError as error:
            reasons[version.id] = error.message
    changes: list[VersionChange] = []
    readable = [v for v in shown if v.id in values]
    older_of = {newer.id: older.id for newer, older in pairwise(readable)}
    for version in shown:
        if version.id in reasons:
            changes.append(VersionChange(version.id, version.created, unreadable=reasons[version.id]))
            continue
        older = older_of.get(version.id)
        if older is None:  # the oldest readable version we compared
            changes.append(VersionChange(version.id, version.created, added=tuple(sorted(values[version.id])), first=True))
        else:
            added, removed, changed = key_changes(values[older], values[version.id])
            changes.append(VersionChange(version.id, version.created, added, removed, changed))
    values.clear()
    return changes
