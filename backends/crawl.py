"""Every folder of a hierarchical store (Vault), listed several at a time: the index that complete
search needs, without one LIST waiting for the one before it.

Dapr's own walk (listKeysUnderPath) lists one folder after the other; over a network each LIST
costs a round trip, so 1,000 folders at 20 ms are 20 s. Here up to `workers` folders are listed at
once, through the store's own `list_names(folder)`: the same calls, the same answers, only
overlapped. Folders come back in the order their LISTs finish; within a folder, listing order.

Workers are daemon threads: a consumer that stops iterating (the user quit or moved on) is never
held up by a LIST still in flight, and the process never waits for one at exit.

Search (the UI) wants every folder it can get: with `failed`, a folder whose LIST fails is reported
there and the crawl goes on with the others (a policy often denies one branch and allows the rest).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from dapr_secrets.backends.base import SecretEntry, SecretStore, StoreError

CRAWL_WORKERS = 16  # folders listed at once: Vault's HTTP connection pool holds as many (BULK_WORKERS)

_Listed = tuple[str, list[SecretEntry]]


def crawl(store: SecretStore, workers: int = CRAWL_WORKERS,
          failed: Callable[[str, StoreError], None] | None = None) -> Iterator[_Listed]:
    """(folder, its entries) for every folder under the top ("" first among equals), folders
    included as entries (their names end in "/"). The first failing LIST raises its StoreError
    here, like a sequential walk would (folders still in flight are abandoned), unless `failed` is
    given: then it is called with the folder and its error, and the crawl goes on."""
    if not store.hierarchical:  # one flat listing: nothing to overlap
        yield "", [entry for page in store.list_names() for entry in page]
        return
    folders: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    results: queue.SimpleQueue[tuple[str, list[SecretEntry] | BaseException]] = queue.SimpleQueue()
    stopped = threading.Event()

    def work() -> None:
        while (folder := folders.get()) is not None and not stopped.is_set():
            try:
                results.put((folder, [entry for page in store.list_names(folder) for entry in page]))
            except BaseException as error:  # noqa: BLE001 - raised again in the consumer's thread
                results.put((folder, error))

    started = 0
    folders.put("")
    pending = 1  # folders asked for and not answered yet
    try:
        while pending:
            if started < min(workers, pending):  # start threads only as folders appear
                threading.Thread(target=work, name=f"crawl-{store.name}", daemon=True).start()
                started += 1
                continue
            folder, result = results.get()
            pending -= 1
            if isinstance(result, StoreError) and failed is not None:
                failed(folder, result)
                continue
            if isinstance(result, BaseException):
                raise result
            for entry in result:
                if entry.is_folder:
                    folders.put(entry.name)
                    pending += 1
            yield folder, result
    finally:
        stopped.set()
        for _ in range(started):
            folders.put(None)


def crawl_names(store: SecretStore, workers: int = CRAWL_WORKERS) -> Iterator[list[str]]:
    """The secret names of every folder (no folders), a folder at a time, in crawl order."""
    for _, entries in crawl(store, workers):
        names = [entry.name for entry in entries if not entry.is_folder]
        if names:
            yield names
