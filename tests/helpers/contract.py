"""The store contract suite's common part: the data every store is seeded with, what a store type's
entry hands the suite (`Subject`), and a server that accepts connections and never answers.

A store type joins the suite with one entry in tests/helpers/contract_stores.py: a context manager that
starts its live fake (or real) server, seeds `SEED`, opens a store on it and yields a `Subject`."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dapr_secrets.backends.base import SecretStore

CANARY = "Qz7canary"  # in every seeded value and in nothing else: no message may ever contain it
SEED: dict[str, str] = {f"contract-{index:02d}": f"cv{index:02d}-{CANARY}-value" for index in range(12)}
MISSING = "contract-missing"
PAGE = 5  # the page size an entry asks its store (or server) for, where the store lets a test choose
TIMEOUT = 1.0  # seconds: the timeout an entry configures for the hanging-server contract


@dataclass
class Context:
    """What an entry may use to build its subject."""

    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch
    request: pytest.FixtureRequest  # for session servers (OpenBao, moto): request.getfixturevalue(...)


@dataclass
class Subject:
    """One store type, live, seeded with SEED.

    store: opened on the seeded server; `SEED`'s names are all it holds.
    value_reads: how many value reads the server has seen so far; None where listing necessarily holds
      the values (then `values_listed_because` says why, and the contract asserts that instead).
    pages: True when the store lists in pages of at most PAGE (or the server's page) names.
    denied: a store of this type for which the server refuses reading SEED's first name; None where the
      store type has no access control (`no_access_control_because`).
    open_at: a store of this type dialling 127.0.0.1:port with calls timing out after TIMEOUT seconds;
      None for stores that make no network call (`no_network_because`).
    """

    store: SecretStore
    value_reads: Callable[[], int] | None
    pages: bool
    denied: Callable[[], SecretStore] | None
    open_at: Callable[[int], SecretStore] | None
    attempts: int = 1  # calls a store makes before it gives up (the SDK's own retries), each under TIMEOUT
    keyed: bool = False  # a secret holds keys (Kubernetes, Vault): SEED's value is under key "value"
    read_metadata: dict[str, str] = field(default_factory=dict)  # request metadata a GET needs (a version)
    extra_keys: dict[str, object] = field(default_factory=dict)  # what else GET's map holds (ANY: any value)
    bulk_name: Callable[[str], str] = str  # the name bulk keys a secret by (GCP: its resource name)
    known_gaps: dict[str, str] = field(default_factory=dict)  # contract test -> why this store fails it today
    values_listed_because: str = ""
    no_paging_because: str = ""
    no_access_control_because: str = ""
    no_network_because: str = ""

    def expected_get(self, name: str) -> dict[str, object]:
        """Dapr's GET answer for a seeded name: {name: value}, or the secret's own keys when a secret
        holds several (the entry seeds {"value": value}), with the store's extra keys."""
        return ({"value": SEED[name]} if self.keyed else {name: SEED[name]}) | self.extra_keys

    def expected_bulk(self) -> dict[str, dict[str, object]]:
        """Dapr's bulk answer: every seeded secret, keyed (outside, and inside for single-valued stores)
        by `bulk_name`."""
        bulk = {}
        for name in SEED:
            value = self.expected_get(name)
            if not self.keyed:
                value[self.bulk_name(name)] = value.pop(name)
            bulk[self.bulk_name(name)] = value
        return bulk


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def hanging_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte: a hung store.
    Yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            held.append(connection)  # kept open, never answered

    thread = threading.Thread(target=accept, name="hanging-server", daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        listener.close()
