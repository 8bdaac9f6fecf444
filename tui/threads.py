"""The threads the app's workers run in: one daemon thread per worker, never waited for.

Textual runs a thread worker in the event loop's default executor, and asyncio's default (a
ThreadPoolExecutor) is joined when the loop closes and again when Python exits: quitting would
wait for a store that does not answer (up to its timeout, or forever for a hung SDK), and six
threads on two cores would open six stores at a time. A store call's result is worthless once
the user has quit, so the app installs this executor instead: every worker starts at once in its
own daemon thread, and shutting down waits for none of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class DaemonThreadExecutor(ThreadPoolExecutor):
    # A ThreadPoolExecutor only because asyncio's set_default_executor accepts nothing else;
    # none of its pool is used.

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="worker")
        self._closed = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - handed to whoever awaits the future
                if not self._closed:  # after quitting, nobody listens: the loop that would is gone
                    future.set_exception(error)
            else:
                if not self._closed:
                    future.set_result(result)

        threading.Thread(target=run, name=f"worker-{getattr(fn, '__name__', 'call')}", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Never waits: a thread still in a store call dies with the process."""
        self._closed = True
