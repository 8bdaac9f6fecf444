"""Test-only secret stores, registered under `secretstores.test.*` types by the fixtures in
conftest.py. They are real SecretStore implementations driven by the real runtime; they only let a
test hold a listing at a page boundary, make a store unreachable, or hold values that JSON files
cannot (binary)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import ClassVar

from dapr_secrets.backends.base import (
    LastChanged,
    SecretDetails,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    SecretVersion,
    StoreUnreachable,
)


class MemoryStore(SecretStore):
    """Secrets from a class-level dict (set by the test), listed in pages of `page_size`."""

    secrets: ClassVar[dict[str, dict[str, str]]] = {}
    page_size: ClassVar[int] = 1000
    reads: ClassVar[list[str]] = []  # names passed to get_secret, to prove laziness

    @property
    def name_separator(self) -> str | None:
        return self.properties.get("separator") or None

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        MemoryStore.reads.append(name)
        if name not in self.secrets:
            raise SecretNotFound(f"secret {name} not found")
        suffix = f"-v{metadata['version_id']}" if "version_id" in metadata else ""
        return {key: value + suffix for key, value in self.secrets[name].items()}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        return {name: dict(values) for name, values in self.secrets.items()}

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        names = list(self.secrets)
        for start in range(0, len(names), self.page_size):
            yield [SecretEntry(name) for name in names[start : start + self.page_size]]

    def describe(self, name: str) -> SecretDetails:
        return SecretDetails(
            attributes={"owner": "team-demo"},
            versions=(SecretVersion("2", state="current"), SecretVersion("1")),
            notes=("a note from the store",),
        )


class GatedStore(MemoryStore):
    """Lists its first page at once, then waits for `gate` before the rest: a slow store."""

    gate: ClassVar[threading.Event] = threading.Event()

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        pages = super().list_names(folder)
        yield next(pages)
        if not self.gate.wait(timeout=20):
            raise StoreUnreachable("the test never opened the gate")
        yield from pages


class SlowVersionStore(MemoryStore):
    """A store whose older versions arrive only when the test opens `version_gate`; version "2"
    is destroyed, so it cannot be read at all."""

    version_gate: ClassVar[threading.Event] = threading.Event()

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        if "version_id" in metadata and not self.version_gate.wait(timeout=20):
            raise StoreUnreachable("the test never opened the version gate")
        return super().get_secret(name, metadata)

    def describe(self, name: str) -> SecretDetails:
        versions = (SecretVersion("3", state="current"), SecretVersion("2", state="destroyed"), SecretVersion("1"))
        return SecretDetails(versions=versions)


class DownStore(SecretStore):
    """Opens (no I/O at Init, like daprd) but every call fails as if the server were down."""

    def _fail(self) -> None:
        raise StoreUnreachable(
            "dial tcp 127.0.0.1:1: connect: connection refused", "check that the server is running"
        )

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        self._fail()
        return None

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        self._fail()
        return None

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        self._fail()
        yield []


class FolderStore(SecretStore):
    """A hierarchical store (like Vault): folders end in "/", listed one at a time."""

    hierarchical = True
    tree: ClassVar[dict[str, list[str]]] = {}  # folder -> entries (folders end with "/")
    listed: ClassVar[list[str]] = []

    @property
    def name_separator(self) -> str | None:
        return "/"

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        return {"value": f"folder-value-of-{name}"}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        return {}

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        FolderStore.listed.append(folder)
        yield [SecretEntry(name, is_folder=name.endswith("/")) for name in self.tree.get(folder, [])]


class AgedStore(MemoryStore):
    """Knows when each secret changed (`changed`), like a network store whose listing does not say
    (Vault): one last_changed call per secret, recorded in `asked`."""

    changed: ClassVar[dict[str, LastChanged | None]] = {}
    asked: ClassVar[list[str]] = []

    def last_changed(self, name: str) -> LastChanged | None:
        AgedStore.asked.append(name)
        if name not in self.secrets:
            raise SecretNotFound(f"secret {name} not found")
        return self.changed.get(name)

    def describe(self, name: str) -> SecretDetails:
        return SecretDetails(last_changed=self.changed.get(name))


class ListedAgesStore(AgedStore):
    """Dates every secret in its listing (like Key Vault or Kubernetes): no call per secret needed."""

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        yield [SecretEntry(name, changed=self.changed.get(name)) for name in self.secrets]
