"""The secret store contract every backend implements, and its typed errors.

A store mirrors one Dapr secret store component. `get_secret` and `bulk_get` return exactly what
the Dapr component's GetSecret / BulkGetSecret would (dapr-behaviour.md §3); `list_names` and
`describe` are our own, cheaper, value-free views for browsing.

Rules for every backend:
- The SDK is imported inside the backend (in `__init__` or a helper), never at module top level.
- Every network call has a timeout (`DEFAULT_TIMEOUT` unless the component says otherwise).
- Error messages never contain a secret value. Names are fine.
- Nothing ever writes to a store.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import namedtuple
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType

from dapr_secrets.components.model import Diagnostic, Source
from dapr_secrets.components.record import Record

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~3 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar

DEFAULT_TIMEOUT = 10.0  # seconds, for every network call a backend makes


class StoreError(Exception):
    """A store call failed. `str(error)` is the text daprd would put after "...: " where we know it."""

    kind: ClassVar[str] = "error"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint  # what the user can do about it


class SecretNotFound(StoreError):
    kind = "not_found"


class AccessDenied(StoreError):
    kind = "denied"


class StoreUnreachable(StoreError):
    kind = "unreachable"


class StoreTimeout(StoreError):
    kind = "timeout"


class StoreMisconfigured(StoreError):
    """The component's metadata is wrong: daprd's Init would fail with this message."""

    kind = "misconfigured"


class DaprdCrashes(StoreMisconfigured):
    """daprd would not fail this Init, it would panic: the process dies, whatever ignoreErrors says."""

    kind = "crash"


class MissingExtra(ImportError):
    """The store's SDK is an optional extra that is not installed; the message says how to install it."""

    def __init__(self, package: str, install: str) -> None:
        super().__init__(f"{package} is not installed: {install}", name=package)
        self.install = install


class LastChanged(Record):
    """When a secret last changed, as far as the store says without reading its value."""

    __match_args__ = ("when", "source")
    when: datetime  # aware, UTC
    source: str  # what that time is, in the store's words: "updated", "file modified", ...

    def __init__(self, when: datetime, source: str) -> None:
        self.__dict__.update(when=when, source=source)

    def __repr__(self) -> str:  # short, for logs and test output (the datetime's repr is long)
        return f"LastChanged({self.when.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}, {self.source!r})"

    def minute(self) -> str:
        """To the minute, in UTC: "2026-12-04 09:00Z"."""
        return self.when.strftime("%Y-%m-%d %H:%MZ")

    @classmethod
    def at(cls, when: datetime | None, source: str) -> LastChanged | None:
        """None when the store gave no time; a naive time is taken as UTC (SDKs that drop the zone)."""
        if when is None:
            return None
        return cls((when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC), source)


_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?", re.IGNORECASE)


def parse_time(text: str) -> datetime | None:
    """An RFC 3339 / ISO 8601 time as the stores write it (nanoseconds, "Z", no zone meaning UTC);
    None when empty or unreadable."""
    match = _RFC3339.fullmatch(text.strip())
    if not match:
        return None
    date, clock, fraction, zone = match.groups()
    zone = "+00:00" if zone is None or zone.upper() == "Z" else zone
    try:
        return datetime.fromisoformat(f"{date}T{clock}.{(fraction or '0')[:6].ljust(6, '0')}{zone}").astimezone(UTC)
    except ValueError:  # a month 13, a zone +99:99
        return None


class SecretEntry(
    namedtuple("SecretEntry", ("name", "is_folder", "info", "note", "changed"), defaults=(False, MappingProxyType({}), "", None))
):
    """One row of a listing: a secret name (or a folder), never a value. A named tuple because
    listings make one per secret (100,000 in a big store) and this is the cheapest to build
    (collections' namedtuple rather than typing's NamedTuple, to keep typing out of startup).

    name: str, the full name an app passes to Dapr (for a folder: its path, ending in "/")
    is_folder: bool, default False
    info: Mapping[str, str], default empty; e.g. {"type": "Opaque", "updated": ...}
    note: str, default ""; where Dapr would surprise the user, e.g. "disabled: hidden from Dapr bulk"
    changed: LastChanged | None, default None; set where the listing itself says when it changed
    """

    __slots__ = ()


class SecretVersion(Record):
    __match_args__ = ("id", "created", "state")
    id: str
    created: str
    state: str  # "", "current", "deleted", "destroyed", "disabled", ...

    def __init__(self, id: str, created: str = "", state: str = "") -> None:
        self.__dict__.update(id=id, created=created, state=state)


class SecretDetails(Record):
    """What the store says about a secret without its value."""

    __match_args__ = ("attributes", "versions", "notes", "last_changed")
    attributes: Mapping[str, str]
    versions: tuple[SecretVersion, ...]
    notes: tuple[str, ...]  # Dapr surprises worth showing next to the secret
    last_changed: LastChanged | None  # where the store knows it

    def __init__(self, attributes: Mapping[str, str] | None = None, versions: tuple[SecretVersion, ...] = (),
                 notes: tuple[str, ...] = (), last_changed: LastChanged | None = None) -> None:
        attributes = {} if attributes is None else attributes  # a new dict each, as field(default_factory=dict) gave
        self.__dict__.update(attributes=attributes, versions=versions, notes=notes, last_changed=last_changed)


class StoreOption(Record):
    """An on/off command-line option a store type declares for itself (as harlequin adapters declare
    theirs): shared code asks the registry for every type's options and never names one. Declared
    in the backend package's `__init__` as `OPTIONS`, so asking imports no store module and no SDK."""

    __match_args__ = ("name", "help")
    name: str  # the key in StoreContext.options; the flag is --name-with-dashes
    help: str

    def __init__(self, name: str, help: str) -> None:
        self.__dict__.update(name=name, help=help)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


class StoreContext(Record):
    """What a store may know about the daprd process it stands in for, and the user's options."""

    __match_args__ = ("env", "cwd", "kubernetes_mode", "component_source", "options", "kube_context")
    env: Mapping[str, str]  # daprd's environment (local.env reads it; NAMESPACE; AZURE_* ...)
    cwd: str  # daprd's working directory: relative paths in metadata resolve against it
    kubernetes_mode: bool
    component_source: Source | None  # where the component was defined, for hints
    options: Mapping[str, bool]  # the user's StoreOption choices, by name
    kube_context: str | None  # --context, for Kubernetes mode

    def __init__(self, env: Mapping[str, str], cwd: str, kubernetes_mode: bool = False, component_source: Source | None = None,
                 options: Mapping[str, bool] | None = None, kube_context: str | None = None) -> None:
        options = {} if options is None else options  # a new dict each, as field(default_factory=dict) gave
        self.__dict__.update(env=env, cwd=cwd, kubernetes_mode=kubernetes_mode, component_source=component_source, options=options,
                             kube_context=kube_context)


class SecretStore(ABC):
    """One opened secret store. Constructed like daprd's Init: validate metadata, no network."""

    # Dapr's MULTIPLE_KEY_VALUES_PER_SECRET feature: a secret holds several keys.
    multi_valued: ClassVar[bool] = False
    # True when list_names(folder) returns folders (Vault). Flat stores leave grouping to the UI.
    hierarchical: ClassVar[bool] = False
    # True when listed_keys tells the keys of every secret listed (no read needed to search keys).
    keys_listed: ClassVar[bool] = False
    # The request metadata key that picks a version (exact, case-sensitive; Tencent's is VersionID).
    version_key: ClassVar[str] = "version_id"

    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        """Raise StoreMisconfigured with daprd's Init error text when the metadata is wrong."""
        self.name = name  # the component name
        self.properties = properties  # resolved metadata, exactly the strings daprd would pass
        self.context = context

    # What the UI uses to group a flat namespace of names (local.file's nestedSeparator, "/"...).
    @property
    def name_separator(self) -> str | None:
        return None

    @abstractmethod
    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """Dapr GetSecret: the secret's key/value map; None where Dapr gets a nil map (HTTP 204)."""

    @abstractmethod
    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """Dapr BulkGetSecret: {secret name: {key: value}}."""

    @abstractmethod
    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        """The names Dapr's bulk would return, in pages, without reading values where avoidable.

        Hierarchical stores list one folder ("" is the top); flat stores ignore `folder`.
        A consumer may stop iterating at any time (the user moved on).
        """

    def loaded_names(self) -> list[str] | None:
        """Every name at once, when the store already holds them all in memory (a file read whole),
        so a caller that wants names only skips building listing rows; None: use list_names."""
        return None

    def loaded_names_text(self) -> tuple[str, int] | None:
        """`loaded_names()` joined by newlines, and how many, for a caller that prints them all (a
        store that keeps its names in groups joins them without one string per name); None: use
        list_names."""
        names = self.loaded_names()
        return None if names is None else ("\n".join(names), len(names))

    def listed_keys(self, names: list[str]) -> dict[str, list[str]]:
        """The keys of these secrets where the store already holds them, so telling costs no read
        (a file read whole); a secret left out has keys known only by reading it (get_secret,
        which reads its values). Search indexes these keys, never values. Empty by default."""
        return {}

    def describe(self, name: str) -> SecretDetails:
        """Value-free facts about one secret: versions, dates, labels. Empty by default."""
        return SecretDetails()

    def last_changed(self, name: str) -> LastChanged | None:
        """When secret `name` last changed, where the store knows it, without reading its value.
        Costs what `describe` costs (one metadata call on a network store); None: not known."""
        return self.describe(name).last_changed

    def diagnostics(self) -> list[Diagnostic]:
        """What daprd would silently do wrong with this store's contents (doctor). Empty by default."""
        return []

    def identity(self) -> str:
        """Who we are when talking to the store (token source, credential), for the UI. No secrets."""
        return ""

    def close(self) -> None:  # noqa: B027 - optional: a store with nothing to release keeps this no-op
        """Release connections. Safe to call twice."""


def walk_names(store: SecretStore, folder: str = "") -> Iterator[list[str]]:
    """Every secret name of a store, a page at a time (a flat store of 100,000 names stays cheap);
    hierarchical stores are walked folder by folder, in listing order."""
    loaded = None if folder else store.loaded_names()
    if loaded is not None:
        yield loaded
        return
    for page in store.list_names(folder):
        if not store.hierarchical:  # flat stores list no folders
            yield [entry.name for entry in page]
            continue
        for entry in page:
            if entry.is_folder:
                yield from walk_names(store, entry.name)
            else:
                yield [entry.name]
