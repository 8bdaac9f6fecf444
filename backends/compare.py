"""Compare two secret stores, or one store across two environments, without revealing a value.

Each side is a store opened by its own Runtime (so the other environment gets the same Dapr rules:
its own resources folder, Configuration, namespace or kubeconfig context). Values are read once per
side (the store's bulk read, or name by name where bulk fails) and compared key by key in constant
time; the result holds names, keys and statuses only. Where a fingerprint must be shown it is a
keyed HMAC-SHA256 prefix (`Fingerprinter`), never an unkeyed hash a value could be guessed from.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dapr_secrets.backends.base import LastChanged, SecretStore, StoreError, walk_names
from dapr_secrets.backends.runtime import Runtime, State
from dapr_secrets.backends.verify import values_match

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SAME, DIFFERENT, ONLY_LEFT, ONLY_RIGHT = "same", "different", "only-left", "only-right"
UNREADABLE_LEFT, UNREADABLE_RIGHT = "unreadable-left", "unreadable-right"
STATUSES = (SAME, DIFFERENT, ONLY_LEFT, ONLY_RIGHT, UNREADABLE_LEFT, UNREADABLE_RIGHT)
FINGERPRINT_CHARS = 16  # hex characters of the HMAC shown (64 bits)


class CompareError(Exception):
    """A side cannot be compared at all (store missing, not loaded, listing failed)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Row:
    name: str
    key: str | None  # None: the whole secret (only on one side, or unreadable)
    status: str
    reason: str = ""  # why a side is unreadable (the store's message; never a value)
    shared: bool = False  # the same value in both environments: a finding
    left_fingerprint: str = ""
    right_fingerprint: str = ""
    left_changed: LastChanged | None = None  # when the secret last changed on each side, where known
    right_changed: LastChanged | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "key": self.key, "status": self.status}
        if self.left_changed or self.right_changed:
            data["left_changed"] = _changed_json(self.left_changed)
            data["right_changed"] = _changed_json(self.right_changed)
        if self.reason:
            data["reason"] = self.reason
        if self.shared:
            data["shared"] = True
        if self.left_fingerprint or self.right_fingerprint:
            data["left_fingerprint"] = self.left_fingerprint or None
            data["right_fingerprint"] = self.right_fingerprint or None
        return data


@dataclass
class Comparison:
    left: str  # what each side is, for people ("prod-vault", "staging-vault in namespace staging")
    right: str
    across_environments: bool
    rows: list[Row] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return all(row.status == SAME for row in self.rows)

    @property
    def unreadable(self) -> bool:
        return any(row.status in (UNREADABLE_LEFT, UNREADABLE_RIGHT) for row in self.rows)

    @property
    def shared(self) -> list[Row]:
        return [row for row in self.rows if row.shared]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def exit_status(self) -> int:
        """Like diff(1): 0 identical, 1 different, 2 trouble (a secret could not be read)."""
        if self.unreadable:
            return 2
        return 0 if self.identical else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "across_environments": self.across_environments,
            "identical": self.identical,
            "counts": self.counts(),
            "shared_values": [{"name": row.name, "key": row.key} for row in self.shared],
            "rows": [row.to_json() for row in self.rows],
        }


class Fingerprinter:
    """HMAC-SHA256 of a value under a key: random per run unless the user supplies one (so two
    people can compare fingerprints over chat without either revealing the value)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)

    def __call__(self, value: str) -> str:
        digest = hmac.new(self._key, value.encode("utf-8", "surrogateescape"), hashlib.sha256)
        return digest.hexdigest()[:FINGERPRINT_CHARS]


def _changed_json(changed: LastChanged | None) -> dict[str, str] | None:
    if changed is None:
        return None
    return {"time": changed.when.strftime("%Y-%m-%dT%H:%M:%SZ"), "source": changed.source}


@dataclass
class _Side:
    secrets: dict[str, dict[str, str]]
    unreadable: dict[str, str]  # name -> why it could not be read
    changed: dict[str, LastChanged] = field(default_factory=dict)  # name -> when it last changed, where known


MAX_LAST_CHANGED_CALLS = 1000  # per side, for stores whose listing does not say (one metadata call each)


def last_changes(store: SecretStore, names: Iterable[str]) -> dict[str, LastChanged]:
    """When each secret last changed, value-blind: a store that holds every secret in memory
    (local.file) is asked name by name; otherwise what a flat store's listing says (every name at
    once: Key Vault, Kubernetes, AWS...), then one `last_changed` call per name the listing did not
    date, up to MAX_LAST_CHANGED_CALLS. What the store does not say stays out."""
    found: dict[str, LastChanged] = {}
    try:
        if store.loaded_names() is not None:  # every secret in memory (a file read whole): asking costs nothing
            return {name: changed for name in names if (changed := store.last_changed(name)) is not None}
        if not store.hierarchical:  # names the compare does not have are harmless: looked up by name
            found = {entry.name: entry.changed for page in store.list_names() for entry in page if entry.changed is not None}
        for name in sorted(set(names) - found.keys())[:MAX_LAST_CHANGED_CALLS]:
            changed = store.last_changed(name)
            if changed is not None:
                found[name] = changed
    except StoreError:
        pass  # dates are extra: a compare never fails for want of them
    return found


def open_store(runtime: Runtime, name: str) -> SecretStore:
    status = runtime.open(name)
    store = runtime.store(name)
    if store is not None and status.state == State.READY:
        return store
    if runtime.component(name) is None:
        known = ", ".join(c.name for c in runtime.secret_stores()) or "none"
        raise CompareError(f"there is no secret store named {name!r}", f"configured secret stores: {known}")
    raise CompareError(f"secret store {name!r} is not loaded ({status.state.value}): {status.message}", status.hint)


def read_side(runtime: Runtime, name: str) -> _Side:
    """Every secret of a store: its bulk read, or name by name (so one unreadable secret is one
    row, not a failed compare) when the store's bulk fails."""
    store = open_store(runtime, name)
    try:
        side = _Side(dict(store.bulk_get({}) or {}), {})
    except StoreError:
        side = _read_one_by_one(store, name)
    side.changed = last_changes(store, side.secrets.keys() | side.unreadable.keys())
    return side


def _read_one_by_one(store: SecretStore, name: str) -> _Side:
    side = _Side({}, {})
    try:
        for page in walk_names(store):
            for secret in page:
                try:
                    side.secrets[secret] = store.get_secret(secret, {}) or {}
                except StoreError as error:
                    side.unreadable[secret] = error.message
    except StoreError as error:
        raise CompareError(f"cannot list the secrets of {name!r}: {error.message}", error.hint) from None
    return side


def compare(left_runtime: Runtime, left_store: str, right_runtime: Runtime, right_store: str, *,
            left_label: str = "", right_label: str = "", across_environments: bool = False,
            fingerprint: Fingerprinter | None = None) -> Comparison:
    """Row by row, secret by secret and key by key, sorted by name then key. Values stay in this
    function: only statuses (and, when asked for, keyed fingerprints) leave it."""
    left = read_side(left_runtime, left_store)
    right = read_side(right_runtime, right_store)
    result = Comparison(left_label or left_store, right_label or right_store, across_environments)
    rows = result.rows
    for name in sorted(left.secrets.keys() | right.secrets.keys() | left.unreadable.keys() | right.unreadable.keys()):
        lc, rc = left.changed.get(name), right.changed.get(name)
        if name in left.unreadable or name in right.unreadable:
            status = UNREADABLE_LEFT if name in left.unreadable else UNREADABLE_RIGHT
            reason = left.unreadable.get(name) or right.unreadable.get(name, "")
            rows.append(Row(name, None, status, reason, left_changed=lc, right_changed=rc))
            continue
        left_values, right_values = left.secrets.get(name), right.secrets.get(name)
        if left_values is None or right_values is None:
            status = ONLY_RIGHT if left_values is None else ONLY_LEFT
            rows += [Row(name, key, status, left_changed=lc, right_changed=rc) for key in sorted(left_values or right_values or {})]
            if not (left_values or right_values):
                rows.append(Row(name, None, status, left_changed=lc, right_changed=rc))
            continue
        rows += _compare_keys(name, left_values, right_values, across_environments, fingerprint, lc, rc)
    return result


def _compare_keys(name: str, left: Mapping[str, str], right: Mapping[str, str], across: bool,
                  fingerprint: Fingerprinter | None, lc: LastChanged | None, rc: LastChanged | None) -> list[Row]:
    rows = []
    for key in sorted(left.keys() | right.keys()):
        if key not in right:
            rows.append(Row(name, key, ONLY_LEFT, left_changed=lc, right_changed=rc))
        elif key not in left:
            rows.append(Row(name, key, ONLY_RIGHT, left_changed=lc, right_changed=rc))
        else:
            same = values_match(left[key], right[key])
            prints = (fingerprint(left[key]), fingerprint(right[key])) if fingerprint else ("", "")
            rows.append(Row(name, key, SAME if same else DIFFERENT, "", same and across, prints[0], prints[1], lc, rc))
    return rows
