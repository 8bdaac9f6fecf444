"""Calls to several stores at once, under one deadline, never waiting for a hung one.

Store calls each have their own timeout, but a check that makes several calls, or several dead
stores checked one after the other, would add them up. `run_all` starts every call at once in a
daemon thread and waits until all are done or the deadline has passed; a call still running then
is left to finish on its own (never joined, so a hung SDK cannot keep the process alive).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


class Unfinished:
    """The result of a call that had not returned when the deadline passed."""

    def __repr__(self) -> str:
        return "UNFINISHED"


UNFINISHED = Unfinished()


def run_all(calls: Sequence[Callable[[], T]], deadline: float) -> list[T | Unfinished]:
    """Every call's result, in order; UNFINISHED for a call still running after `deadline` seconds.
    An exception raised by a call is raised here (the first one, in call order)."""
    results: list[T | Unfinished] = [UNFINISHED] * len(calls)
    errors: list[BaseException | None] = [None] * len(calls)
    done = threading.Semaphore(0)

    def runner(index: int, call: Callable[[], T]) -> None:
        try:
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            errors[index] = error
        finally:
            done.release()

    for index, call in enumerate(calls):
        threading.Thread(target=runner, args=(index, call), name="store-check", daemon=True).start()
    end = time.monotonic() + deadline
    for _ in calls:
        if not done.acquire(timeout=max(0.0, end - time.monotonic())):
            break
    snapshot, failures = list(results), list(errors)  # a late call must not change what the caller got
    for error in failures:
        if error is not None:
            raise error
    return snapshot
