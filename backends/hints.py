"""Hints that reach the fix: what exists next to a missing key, which other stores of the same
setup hold a missing secret, and the causal chain behind a store that did not open.

Only names go into these texts (secret names, key names, component names), never a value. They are
untrusted text like every name: the UI and the CLI escape them where they are shown.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import ReferenceStatus, Runtime
    from dapr_secrets.components.model import Component, Reference, Source

SHOWN_KEYS = 8  # keys listed after "its keys:"; more are counted
NAME_BUDGET = 10_000  # names read from a store that keeps none in memory
HOLDERS_DEADLINE = 3.0  # seconds to open and list the other stores, for "secret X is in Y"

# A reference status code, as the short words of a causal chain.
_SHORT = {
    "secret-not-found": "not found",
    "key-not-found": "no such key",
    "empty-value": "empty",
    "store-missing": "no such store",
    "no-auth-store": "no auth.secretStore",
}


def nearest(wanted: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `wanted` (a typo, another case), or None when none is close."""
    names = list(candidates)
    folded = {name.casefold(): name for name in names}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    match = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    return match[0] if match else None


def quoted_list(names: Iterable[str], limit: int = SHOWN_KEYS) -> str:
    ordered = sorted(names)
    shown = ", ".join(repr(name) for name in ordered[:limit])
    return shown + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


def missing_key_message(secret: str, key: str, keys: Iterable[str]) -> str:
    """`secret 'webhook' has no key 'auth-token' (its keys: 'token', 'url')`."""
    present = list(keys)
    found = f"its keys: {quoted_list(present)}" if present else "it has no keys"
    return f"secret {secret!r} has no key {key!r} ({found})"


def missing_key_hint(secret: str, key: str, keys: Iterable[str]) -> str:
    guess = nearest(key, keys)
    if guess is not None:
        return f"did you mean {guess!r}? set secretKeyRef.key to {guess!r}, or add key {key!r} to secret {secret!r}"
    return f"add key {key!r} to secret {secret!r}, or set secretKeyRef.key to one of its keys (empty means: same as the name)"


def missing_secret_hint(store: str, secret: str, elsewhere: list[str], near: str | None, for_ref: bool = True) -> str:
    """What to do about a secret that is not in `store`: the stores that have it, or a near name.
    `for_ref`: the name comes from a secretKeyRef (else from a request)."""
    if elsewhere:
        stores = ", ".join(repr(name) for name in elsewhere)
        where = "point auth.secretStore there" if for_ref else "ask that store"
        return f"secret {secret!r} is in {stores}: {where}, or create it in {store!r}"
    fix = "fix secretKeyRef.name" if for_ref else "ask for that name"
    if near is not None:
        return f"did you mean {near!r}? {fix}, or create secret {secret!r} in {store!r}"
    return f"create secret {secret!r} in store {store!r}, or {fix}"


class NameSets:
    """Secret names per opened store, read once per runtime (names only, never a value), to say which
    other stores hold a missing secret. Cheap listings only: names a store keeps in memory, else the
    first NAME_BUDGET names of a flat store, else the top level of a hierarchical one."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._lock = threading.Lock()
        self._names: dict[str, frozenset[str]] = {}

    def names(self, store_name: str) -> frozenset[str]:
        with self._lock:
            if store_name in self._names:
                return self._names[store_name]
        names = frozenset(self._read(store_name))
        with self._lock:
            self._names[store_name] = names
        return names

    def _read(self, store_name: str) -> set[str]:
        store = self._runtime.store(store_name)
        found: set[str] = set()
        if store is None:
            return found
        try:
            loaded = store.loaded_names()
            if loaded is not None:
                return set(loaded)
            for page in store.list_names():
                found.update(entry.name for entry in page if not entry.is_folder)
                if store.hierarchical or len(found) >= NAME_BUDGET:
                    break
        except Exception:  # noqa: BLE001 - a store that cannot list is simply not named; a hint never fails a check
            pass
        return found

    def holders(self, secret: str, besides: str) -> list[str]:
        """The secret stores other than `besides` that list `secret`. Stores not opened yet are
        opened (at once, under HOLDERS_DEADLINE seconds): a hint is worth one store call, not more.
        Inside the runtime's `open` only the stores already open are asked (another may wait for it)."""
        from dapr_secrets.backends.parallel import UNFINISHED, run_all
        from dapr_secrets.backends.runtime import State

        runtime = self._runtime
        others = [c.name for c in runtime.secret_stores() if c.name != besides]
        if runtime.opening_here():
            others = [name for name in others if runtime.status(name).state == State.READY]

        def holds(name: str) -> bool:
            return runtime.open(name).state == State.READY and secret in self.names(name)

        answers = run_all([partial(holds, name) for name in others], HOLDERS_DEADLINE)
        return [name for name, answer in zip(others, answers, strict=True) if answer is not UNFINISHED and answer]

    def hint(self, store: str, secret: str, for_ref: bool = True) -> str:
        """The hint for a secret that `store` does not have."""
        near = nearest(secret, self.names(store) - {secret})
        return missing_secret_hint(store, secret, self.holders(secret, store), near, for_ref)


@dataclass(frozen=True)
class Chain:
    """Why a component cannot get its settings, from the component to the root cause:
    `legacy-ftp <- legacy-secrets <- env-secrets/LEGACY_FILE (empty)`."""

    links: tuple[str, ...]
    hint: str
    reason: str = ""  # the last link's own error, when no reference explains it
    source: Source | None = None  # the metadata field that gave no value, when one did

    def __str__(self) -> str:
        text = " <- ".join(self.links)
        return f"{text}: {self.reason}" if self.reason else text


def _ref_link(ref: Reference, status: ReferenceStatus) -> str:
    where = f"{ref.store}/{ref.secret}" if ref.store else ref.secret
    if ref.key != ref.secret:
        where += f"[{ref.key}]"
    return f"{where} ({_SHORT.get(status.code, status.code)})"


def causal_chain(runtime: Runtime, component: Component) -> Chain | None:
    """Follow the auth stores of `component` while they are not ready, down to the reference that
    gave no value (or the store that failed on its own). None when the first store is ready. Uses
    the statuses already decided: call it once the stores in the chain were opened."""
    from dapr_secrets.backends.runtime import State

    links = [component.name]
    current = component
    while True:
        store_name = runtime.auth_store_name(current)
        store = runtime.component(store_name) if store_name else None
        if store is None or not current.references:
            return None
        status = runtime.status(store_name)
        if status.state == State.READY:
            return None
        links.append(store_name)
        if status.state != State.WAITING or store_name in links[:-1]:
            return own_chain(runtime, store, links) or Chain(tuple(links), status.hint, status.message)
        current = store


def own_chain(runtime: Runtime, component: Component, links: list[str] | None = None) -> Chain | None:
    """The first reference of `component` that gives no value, as the end of a chain (which starts
    with `links`, default: the component alone); None when all of them resolve."""
    for ref in runtime.references():
        if ref.kind != "Component" or ref.component != component.name:
            continue
        status = runtime.check_reference(ref)
        if status.ok:
            continue
        secret = f"{ref.store}/{ref.secret}" + (f"[{ref.key}]" if ref.key != ref.secret else "")
        fix = {
            "empty-value": f"give {secret} a value",
            "secret-not-found": f"create secret {ref.secret!r} in {ref.store!r}",
            "key-not-found": f"add key {ref.key!r} to secret {ref.secret!r} in {ref.store!r}",
        }.get(status.code, f"fix {component.name}'s metadata {ref.field!r}")
        return Chain(
            (*(links or [component.name]), _ref_link(ref, status)),
            f"{fix}: metadata {ref.field!r} of {component.name} comes from it",
            source=ref.source,
        )
    return None
