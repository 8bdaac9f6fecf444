"""The audit trail: one JSON line per value touched (reveal, copy, verify, compare, CLI get/bulk/
verify/diff), so "who copied what last night?" has an answer.

A line names the secret, never its value, never a fingerprint of it, never a verify candidate:
`record` takes only names and outcomes. Writing never blocks the action it records: a failure is
kept (`failure`) and handed out once (`take_failure`) for the UI or the CLI to say.

Default place: $XDG_STATE_HOME/dapr-secrets/audit.jsonl (~/.local/state/...), directory 0700,
file 0600, rotated at 10 MB keeping 3 older files (audit.jsonl.1 is the newest of them).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_BYTES = 10 * 1024 * 1024
KEEP = 3  # rotated files kept besides the current one
FIELDS = ("time", "user", "host", "action", "store", "store_type", "secret", "key", "version", "outcome", "other")


def default_path(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/dapr-secrets/audit.jsonl; the XDG spec ignores a relative XDG_STATE_HOME."""
    base = (os.environ if env is None else env).get("XDG_STATE_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "dapr-secrets" / "audit.jsonl"


def _os_user() -> str:
    import getpass  # here: the headless CLI's startup does not pay for it

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no name for this uid (containers): the uid will do
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


class AuditLog:
    """Appends audit lines to `path`; `path=None` is --no-audit-log (records nothing)."""

    def __init__(self, path: str | os.PathLike[str] | None, *, private_dir: bool = False,
                 max_bytes: int = MAX_BYTES, keep: int = KEEP) -> None:
        self.path = Path(path) if path is not None else None
        self.private_dir = private_dir  # our own default folder: made and kept 0700
        self.max_bytes = max_bytes
        self.keep = keep
        self.failure: str | None = None  # the first write failure, if any
        self._told = False
        self._lock = threading.Lock()  # the TUI records from worker threads too
        self._who: tuple[str, str] | None = None

    @classmethod
    def from_options(cls, path: str | None, disabled: bool) -> AuditLog:
        """--audit-log PATH / --no-audit-log / the default place."""
        if disabled:
            return cls(None)
        if path:
            return cls(os.path.expanduser(path))
        return cls(default_path(), private_dir=True)

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def record(self, action: str, store: str = "", store_type: str = "", secret: str | None = None,
               key: str | None = None, version: str | None = None, outcome: str = "ok",
               other: str | None = None) -> None:
        """One line. Only names go in (`other` is the other side of a compare): there is no
        parameter a value could travel through."""
        if self.path is None:
            return
        if self._who is None:
            import socket

            self._who = (_os_user(), socket.gethostname())
        entry = {
            "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "user": self._who[0],
            "host": self._who[1],
            "action": action,
            "store": store,
            "store_type": store_type,
            "secret": secret,
            "key": key,
            "version": version,
            "outcome": outcome,
        }
        if other is not None:
            entry["other"] = other
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8", "surrogateescape")
        with self._lock:
            try:
                self._append(line)
            except OSError as error:
                if self.failure is None:
                    self.failure = f"cannot write the audit log {self.path}: {error.strerror or error}"

    def take_failure(self) -> str | None:
        """The write failure, the first time it is asked for (it is said once, not per action)."""
        if self.failure is None or self._told:
            return None
        self._told = True
        return self.failure

    def _append(self, line: bytes) -> None:
        assert self.path is not None
        folder = self.path.parent
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.private_dir:
            os.chmod(folder, 0o700)
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(line) > self.max_bytes:
            self._rotate()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size == 0:
                os.fchmod(fd, 0o600)  # a new file, whatever the umask
            os.write(fd, line)
        finally:
            os.close(fd)

    def _rotate(self) -> None:
        """audit.jsonl -> .1 -> .2 -> ... -> .KEEP; the oldest falls off."""
        assert self.path is not None
        for index in range(self.keep, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            newer = self.path if index == 1 else self.path.with_name(f"{self.path.name}.{index - 1}")
            if newer.exists():
                os.replace(newer, older)


# ----- reading it back (`dapr-secrets audit`)


@dataclass(frozen=True)
class AuditEntry:
    time: datetime
    fields: dict[str, Any]


def read_entries(path: Path, since: datetime | None = None) -> Iterator[AuditEntry]:
    """Every line of the log and its rotated files, oldest first; lines that do not parse are skipped."""
    files = [path.with_name(f"{path.name}.{i}") for i in range(KEEP, 0, -1)] + [path]
    for file in files:
        try:
            handle = open(file, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        with handle:
            for raw in handle:
                try:
                    fields = json.loads(raw)
                    when = datetime.strptime(fields["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
                except (ValueError, KeyError, TypeError):
                    continue
                if not isinstance(fields, dict) or (since is not None and when < since):
                    continue
                yield AuditEntry(when, {name: fields.get(name) for name in FIELDS if name in fields})


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> timedelta:
    """`90s`, `30m`, `24h`, `7d`, `2w`; ValueError with what is accepted otherwise."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration: use a number and s, m, h, d or w (e.g. 24h, 7d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
