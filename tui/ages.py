"""When a secret last changed, said for people: "3h", "12d", and the full time with what it is.

The current time comes from the app's clock (`DaprSecretsApp.clock`), so tests and snapshots can
fix it: nothing here reads the time itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from dapr_secrets.backends.base import LastChanged

AGE_WIDTH = 4  # "59s", "23h", "364d", "12y": the tree's age column


def utc_now() -> datetime:
    return datetime.now(UTC)


def age(when: datetime, now: datetime) -> str:
    """How long ago, in the largest whole unit, at most AGE_WIDTH characters. A time in the
    future (clocks disagree) reads as 0s."""
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size, below in (("s", 1, 60), ("m", 60, 3600), ("h", 3600, 2 * 86400), ("d", 86400, 1000 * 86400)):
        if seconds < below:
            return f"{seconds // size}{unit}"
    return f"{min(seconds // (365 * 86400), 999)}y"


def last_changed_text(changed: LastChanged, now: datetime) -> Text:
    """For the Secret pane: "last changed 2026-12-04 11:00Z (3h ago; file modified)"."""
    return Text.assemble(
        ("last changed ", "dim"), changed.minute(), (f" ({age(changed.when, now)} ago; {changed.source})", "dim")
    )
