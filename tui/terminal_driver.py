"""Textual's Linux driver, with an input thread that stops as soon as it is asked to (issue #16).

Textual 8.2.8's input thread looks at its exit flag only when its `select(0.1)` returns, and after
that waits another 0.1 s on a selector that no longer watches anything. Every quit (and every
suspend for `e`) waited 100-200 ms for it: a bare Textual app took 206 ms from `q` to the process
gone in a terminal, 26 ms when the thread polled every 10 ms (benchmarks/bench_quit.py). Here the
thread also watches a pipe that setting the exit flag writes to, and its last look for input does
not wait. The loop below is Textual's `run_input_thread` with those two changes (textual is pinned
in pyproject.toml; re-check this copy when it moves).
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from threading import Event, Lock
from typing import Any

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class _WakingEvent(Event):
    """An Event whose set() also makes a byte readable on a pipe, so a thread in select() sees it at once."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = Lock()  # set() never writes to a pipe the input thread has closed (its number may be reused)
        self._wake = -1

    def wake_through(self, fd: int) -> None:
        with self._lock:
            self._wake = fd

    def set(self) -> None:
        super().set()
        with self._lock:
            if self._wake >= 0:
                try:
                    os.write(self._wake, b"x")
                except OSError:  # the pipe is full: the thread is waking already
                    pass


class PromptLinuxDriver(LinuxDriver):
    POLL = 0.1  # seconds between two looks at the parser's timers (a lone Esc), as in Textual

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_event = _WakingEvent()

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop, woken by the exit flag)."""
        assert isinstance(self.exit_event, _WakingEvent)
        wake, wake_write = os.pipe()  # one per run: suspending (`e`) closes the driver and starts it again
        os.set_blocking(wake, False)
        os.set_blocking(wake_write, False)
        self.exit_event.wake_through(wake_write)
        selector = selectors.SelectSelector()
        fileno = self.fileno
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")().decode

        def process_selector_events(selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for last, (key, mask) in loop_last(selector_events):
                if key.fd == wake:
                    _drain(wake)
                    continue
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:  # stdin is a pipe that was closed
                        break
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(self.POLL))
            selector.unregister(fileno)
            process_selector_events(selector.select(0), final=True)  # Textual waits 0.1 s here, for nothing to read
        finally:
            self.exit_event.wake_through(-1)
            os.close(wake)
            os.close(wake_write)
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except OSError:  # empty (EAGAIN) or closed
        pass
