"""The secret the Secret pane shows, as one immutable value, and how it is read.

`ShownSecret` holds everything the pane knows about it: which secret and version, whether the read
finished, the values (or why not), what the store says about it and what each version changed.
The pane replaces it whole (`dataclasses.replace`) whenever anything changes, so nothing of a
previous secret or version can survive by accident.

The read functions run in thread workers and never raise: a failure becomes text for the pane.
Their messages come from StoreError, whose messages never contain a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

from dapr_secrets.backends.base import (
    SecretDetails,
    SecretStore,
    SecretVersion,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.versions import VersionChange
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.name_index import natural_key

# Why Dapr's GET with version_id fails for a version in this state (SecretVersion.state words).
UNREADABLE = {
    "destroyed": "it is destroyed: its value is gone for good",
    "deleted": "it is deleted: the store answers \"not found\" for it until it is undeleted there",
    "disabled": "it is disabled: the store refuses to read it until it is enabled there",
}


@dataclass(frozen=True)
class SecretRef:
    store: str
    name: str


@dataclass(frozen=True)
class ValueTarget:
    """What `x` and `c` act on: one key of a secret, or the whole secret (key None)."""

    store: str
    name: str
    key: str | None

    @property
    def ref(self) -> SecretRef:
        return SecretRef(self.store, self.name)

    def label(self) -> str:
        text = f"{self.store}/{self.name}"
        if self.key is not None and self.key != self.name:
            text += f" [{self.key}]"
        return escape_control(text)


def version_states(version: SecretVersion) -> set[str]:
    """The words of a version's state ("current, expired" -> {"current", "expired"})."""
    return {word.strip() for word in version.state.split(",") if word.strip()}


def is_current(version: SecretVersion) -> bool:
    return "current" in version_states(version)


def unreadable_reason(version: SecretVersion) -> str:
    """Why this version cannot be read, or "" when it can."""
    states = version_states(version)
    return next((reason for state, reason in UNREADABLE.items() if state in states), "")


@dataclass(frozen=True)
class ReadResult:
    """What one worker read: the values (or why not) and, for a new secret, what the store says."""

    values: Mapping[str, str] | None = None
    error: str = ""
    details: SecretDetails | None = None  # None: not asked (a version read)
    details_error: str = ""
    identity: str = ""
    version_key: str = ""  # the store's; "": not asked (a version read)


class Phase(Enum):
    """Where the shown secret (or its picked version) is: x, c and = depend on it."""

    READING = "reading"
    READ = "read"  # values, maybe no keys at all
    NO_DATA = "no data"  # the store answered with nothing (Dapr: 204 No Content)
    FAILED = "failed"  # the read failed: `error` says why
    UNREADABLE = "unreadable"  # the store lists the version as unreadable: not asked


@dataclass(frozen=True)
class ShownSecret:
    store: str
    name: str
    version: str | None = None  # the picked version; None reads the current one
    read_done: bool = False  # the read finished (with values, None or an error), or was not needed
    values: Mapping[str, str] | None = None  # of `version`, once read; never changed in place
    error: str = ""  # the read failed: why
    unreadable: str = ""  # the picked version cannot be read: why (it is not asked for)
    details: SecretDetails | None = None  # what the store says, once read
    details_error: str = ""  # describe() failed: the values may still be there
    identity: str = ""  # who the store read it as (token, credential)
    version_key: str = SecretStore.version_key  # the store's (Tencent: VersionID), set by the read
    changes: tuple[VersionChange, ...] | None = None  # what each version changed (keys only); () while asked

    @property
    def versions(self) -> tuple[SecretVersion, ...]:
        """The versions the store listed, newest first."""
        return self.details.versions if self.details else ()

    @property
    def ref(self) -> SecretRef:
        return SecretRef(self.store, self.name)

    @property
    def phase(self) -> Phase:
        if self.unreadable:
            return Phase.UNREADABLE
        if self.error:
            return Phase.FAILED
        if not self.read_done:
            return Phase.READING
        return Phase.NO_DATA if self.values is None else Phase.READ

    def keys(self) -> list[str]:
        return sorted(self.values or {}, key=natural_key)

    def version_label(self) -> str:
        return f"version {escape_control(self.version)}" if self.version is not None else "the current version"

    def with_read(self, result: ReadResult) -> ShownSecret:
        """This secret once `result` arrived."""
        shown = replace(self, read_done=True, values=result.values if not result.error else None, error=result.error,
                        version_key=result.version_key or self.version_key)
        if result.details is None:
            return shown
        return replace(shown, details=result.details, details_error=result.details_error, identity=result.identity)

    def with_version(self, version: str | None) -> ShownSecret:
        """The same secret showing `version` (None: the current one), not read yet, unless the store
        says it cannot be read."""
        unreadable = self.unreadable_reason(version)
        return replace(self, version=version, values=None, error="", unreadable=unreadable, read_done=bool(unreadable))

    def listed(self, version: str | None) -> SecretVersion | None:
        return next((v for v in self.versions if v.id == version), None)

    def unreadable_reason(self, version: str | None) -> str:
        listed = self.listed(version)
        reason = unreadable_reason(listed) if listed is not None else ""
        return f"{reason}, so Dapr's GET with version_id={version} fails" if reason else ""

    def row_version(self, row_key: str) -> str | None:
        """The version a row of the versions list stands for: None for the current one (Dapr's default read)."""
        listed = self.listed(row_key)
        return None if listed is not None and is_current(listed) else row_key

    def next_version(self) -> str | None:
        """The next older readable version after the one shown; None (the current one) after the last."""
        ids = [v.id for v in self.versions]  # newest first
        start = ids.index(self.version) + 1 if self.version in ids else 0
        return next((v.id for v in self.versions[start:] if not is_current(v) and not unreadable_reason(v)), None)

    def current_version(self) -> str | None:
        return next((v.id for v in self.versions if is_current(v)), None)


def read_secret(store: SecretStore | None, store_name: str, name: str) -> ReadResult:
    """The secret's current values, what the store says about it, and who we read it as."""
    if store is None:
        return ReadResult(error=f"store {store_name!r} is not open", details=SecretDetails())
    values, error, answered = read_values(store, name, {})
    # Even when the read failed (the store's notes say why), unless the store is not there.
    details, details_error = _describe(store, name) if answered else (SecretDetails(), "")
    return ReadResult(values, error, details, details_error, _identity(store), store.version_key)


def read_version(store: SecretStore | None, store_name: str, name: str, version: str | None) -> ReadResult:
    if store is None:
        return ReadResult(error=f"store {store_name!r} is not open")
    metadata = {store.version_key: version} if version is not None else {}
    values, error, _ = read_values(store, name, metadata)
    return ReadResult(values, error)


def read_values(store: SecretStore, name: str, metadata: Mapping[str, str]) -> tuple[dict[str, str] | None, str, bool]:
    """The secret's values (or why not), and whether the store answered at all."""
    try:
        return store.get_secret(name, metadata), "", True
    except (StoreUnreachable, StoreTimeout) as failure:
        return None, error_text(failure), False
    except StoreError as failure:
        return None, error_text(failure), True
    except Exception as failure:  # noqa: BLE001 - a backend bug must not crash the app
        return None, f"unexpected {type(failure).__name__} while reading the secret", True


def _describe(store: SecretStore, name: str) -> tuple[SecretDetails, str]:
    try:
        return store.describe(name), ""
    except StoreError as failure:
        return SecretDetails(), error_text(failure)
    except Exception as failure:  # noqa: BLE001
        return SecretDetails(), f"unexpected {type(failure).__name__} while describing the secret"


def _identity(store: SecretStore) -> str:
    try:
        return store.identity()
    except Exception as failure:  # noqa: BLE001 - who we are is a nicety: never fail the read for it
        return f"(unknown: {type(failure).__name__})"


def error_text(failure: StoreError) -> str:
    return failure.message + (f"\nhint: {failure.hint}" if failure.hint else "")
