"""One secret store: its status in place while it is not open, then its secrets as a lazy tree.

Names are listed in a thread worker the first time the store is shown (and per folder, when a
folder of a hierarchical store is expanded); each page goes into the store's NameIndex and the
tree catches up. A failure shows in place and in a notification (again only when it changed);
other stores are not affected.

A view may exist without being shown: `/` and the palette create one for every ready store so its
names are listed and searchable (IndexChanged tells the app when more arrived), and ask for every
name (`index_everything`): a hierarchical store's folders are then all listed in the background
(backends/crawl.py, several LISTs at once), as if each had been expanded.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from dapr_secrets.backends.base import SecretEntry, SecretStore, StoreError
from dapr_secrets.backends.crawl import crawl
from dapr_secrets.backends.runtime import ComponentStatus, State
from dapr_secrets.components.model import Component
from dapr_secrets.tui.name_index import NameIndex
from dapr_secrets.tui.safe_text import escape_control, safe_text
from dapr_secrets.tui.widgets.secret_tree import SecretTree
from dapr_secrets.tui.widgets.sidebar import short_type
from dapr_secrets.tui.widgets.status import status_line

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import Runtime


class StoreView(Vertical):
    class IndexChanged(Message):
        """Names arrived, or a listing ended: the filter and the palette can show more."""

        def __init__(self, view: StoreView) -> None:
            super().__init__()
            self.view = view

    class NamesArrived(Message):
        def __init__(self, view: StoreView, generation: int) -> None:
            super().__init__()
            self.view = view
            self.generation = generation

    class FolderDone(Message):
        def __init__(self, view: StoreView, generation: int, path: str, error: str = "", hint: str = "") -> None:
            super().__init__()
            self.view = view
            self.generation = generation
            self.path = path
            self.error = error
            self.hint = hint

    class ListingDone(Message):
        def __init__(self, view: StoreView, generation: int, index: NameIndex, error: str = "", hint: str = "") -> None:
            super().__init__()
            self.view = view
            self.generation = generation
            self.index = index
            self.error = error
            self.hint = hint

    class CrawlDone(Message):
        def __init__(self, view: StoreView, generation: int, error: str = "") -> None:
            super().__init__()
            self.view = view
            self.generation = generation
            self.error = error  # a failure that ended the crawl (failing folders are in crawl_failures)

    class AgesArrived(Message):
        def __init__(self, view: StoreView, index: NameIndex) -> None:
            super().__init__()
            self.view = view
            self.index = index

    def __init__(self, runtime: Runtime, component: Component, decorate: Callable[[str, str], Text | None],
                 clock: Callable[[], datetime], by_age: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.clock = clock  # "now", for ages (tests and snapshots fix it)
        self.by_age = by_age  # the main screen's `a`, for a tree made later
        self.component = component
        self.store_name = component.name
        self.decorate = decorate
        self.index: NameIndex | None = None  # what the tree shows
        self.secret_tree: SecretTree | None = None
        self.listing = False
        self.listed = False  # the whole listing (or top folder) arrived at least once
        self.list_error = ""  # why the last listing failed
        self.complete_wanted = False  # search asked for every name: crawl every folder of a hierarchical store
        self.crawling = False
        self.crawled = False  # every folder was listed (some may have failed: crawl_failures)
        self.crawl_folders = 0  # folders listed by the crawl so far
        self.crawl_failures: list[tuple[str, str]] = []  # (folder, why) for folders that could not be listed
        self._told: dict[str, str] = {}  # failure notified, by what failed: said again only when it changes
        self._generation = 0
        self._cursor_keys: list[str] = []  # where the cursor was before a refresh
        self._generation_stale = False  # set by refresh_listing(): the next READY lists again
        self._pending_jump: tuple[str, str | None] | None = None  # a jump waiting for names
        self._focus_when_shown = False  # focus asked for before the tree existed
        self._composed = False  # statuses that arrive before on_mount are read again there
        self._ages_asked: set[str] = set()  # names whose age is being read, for `_ages_index`
        self._ages_index: NameIndex | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="store-status")

    def on_mount(self) -> None:
        self._composed = True
        self._update_title()
        self.update_status(self.runtime.status(self.store_name))

    # ----- status

    def update_status(self, status: ComponentStatus) -> None:
        """The store's status changed (opened, failed, refreshed)."""
        if not self._composed:
            return
        message = self.query_one("#store-status", Static)
        if status.state == State.READY:
            message.display = False
            if self.secret_tree is not None:
                self.secret_tree.display = True
            if not self.listing and (not self.listed or self._generation_stale):
                self.start_listing()
            return
        message.display = True
        if status.state in (State.PENDING, State.OPENING):
            message.update(Text.assemble(("◌ opening ", "cyan"), safe_text(self.store_name), ("…", "cyan")))
        else:
            message.update(status_line(status))
            if self.secret_tree is not None:
                self.secret_tree.display = False

    def refresh_listing(self) -> None:
        """After runtime.refresh(): list again once the store is open; keep the tree meanwhile."""
        self._generation_stale = True
        self._generation += 1  # results of a listing still running are stale
        self.listing = False
        self.crawling = self.crawled = False  # crawled again into the new index, if search still wants it
        if self.secret_tree is not None:
            self._cursor_keys = self.secret_tree.cursor_path()

    def focus_tree(self) -> None:
        """Focus the tree, now or as soon as the store is open and its tree exists."""
        if self.secret_tree is not None:
            self.secret_tree.focus()
        else:
            self._focus_when_shown = True

    # ----- listing

    def _store(self) -> SecretStore | None:
        return self.runtime.store(self.store_name)

    def start_listing(self) -> None:
        store = self._store()
        if store is None:
            return
        refreshing = self._generation_stale and self.index is not None
        self._generation_stale = False
        self._generation += 1
        index = NameIndex(store.name_separator, store.hierarchical)
        folders = [""]
        if refreshing and self.index is not None and store.hierarchical:
            folders += [path for path in self._open_folders() if self.index.is_loaded(path)]
        if not refreshing:
            self.index = index
            if self.secret_tree is None:
                self.secret_tree = SecretTree(self.store_name, index, self._decorate)
                self.secret_tree.clock = self.clock
                self.secret_tree.by_age = self.by_age
                self.mount(self.secret_tree)
                if self._focus_when_shown:
                    self.call_after_refresh(self.secret_tree.focus)
            else:
                self.secret_tree.replace_index(index)
            self.secret_tree.set_status(Text("⋯ loading names…", style="dim italic"))
        self.listing = True
        self._update_title()
        # A listing makes ~100,000 objects; the full collections they set off would walk every object
        # of the app each time (a 60-200 ms stall of the UI). Frozen objects are never walked again.
        # Young garbage is collected first (cheap), so little garbage is frozen along with the app.
        gc.collect(1)
        gc.freeze()
        self._list(store, index, folders, self._generation, live=not refreshing)

    def _decorate(self, name: str) -> Text | None:
        return self.decorate(self.store_name, name)

    def _open_folders(self) -> list[str]:
        if self.secret_tree is None:
            return []
        return [node.data.path for node in self.secret_tree.open_levels(self.secret_tree.root) if node.data is not None]

    def load_folder(self, path: str) -> None:
        """A folder of a hierarchical store was expanded for the first time."""
        store = self._store()
        if store is not None and self.index is not None:
            self._list(store, self.index, [path], self._generation, live=True, whole=False)

    def _list(self, store: SecretStore, index: NameIndex, folders: list[str], generation: int, live: bool, whole: bool = True) -> None:
        def list_names() -> None:
            worker = get_current_worker()
            error = hint = ""
            # A store holding every secret in memory (a file read whole) dates one for free when asked:
            # copying 100,000 dates here would only slow the listing.
            dated = store.loaded_names() is None
            try:
                for folder in folders:
                    for page in store.list_names(folder):
                        if worker.is_cancelled:
                            return
                        add_page(store, index, page, dated)
                        gc.freeze()  # this page's objects too: later full collections skip them (see start_listing)
                        if live:
                            self.post_message(self.NamesArrived(self, generation))
                        time.sleep(0)  # let the UI thread take the GIL now, not after 5 ms
                    index.mark_loaded(folder)
            except StoreError as failure:
                error, hint = failure.message, failure.hint
            except Exception as failure:  # noqa: BLE001 - a backend bug must not crash the app
                error = f"unexpected {type(failure).__name__} while listing names"
            if whole:
                self.post_message(self.ListingDone(self, generation, index, error, hint))
            else:
                self.post_message(self.FolderDone(self, generation, folders[0], error, hint))

        description = f"list {self.store_name}" + (f" folder {folders[0]}" if not whole else "")
        self.run_worker(list_names, thread=True, group="list" if whole else f"folder:{folders[0]}",
                        exclusive=whole, exit_on_error=False, description=description)

    def on_store_view_names_arrived(self, event: NamesArrived) -> None:
        event.stop()
        if event.generation == self._generation and self.secret_tree is not None and self.index is not None:
            self.secret_tree.index_changed()
            if self.listing:  # not while folders are crawled: the tree's names are usable then
                self.secret_tree.set_status(Text(f"⋯ loading names… {len(self.index):,} so far", style="dim italic"))
            self._update_title()
            self.post_message(self.IndexChanged(self))

    async def on_store_view_listing_done(self, event: ListingDone) -> None:
        event.stop()
        if event.generation != self._generation or self.secret_tree is None:
            return
        self.listing = False
        self.listed = True
        self.list_error = event.error
        if event.error:
            self.secret_tree.set_status(Text.assemble(("✗ could not list names: ", "bold red"), safe_text(event.error)))
            self._notify_failure("could not list names", event.error, event.hint)
        else:
            self.secret_tree.set_status(None)
            self._told.clear()
        if event.index is not self.index and not event.error:  # a refresh finished: swap
            self.index = event.index
            self.secret_tree.replace_index(event.index)
            await self.secret_tree.restore_cursor(self._cursor_keys)
        else:
            self.secret_tree.index_changed()
        self._update_title()
        self.post_message(self.IndexChanged(self))
        self._crawl_if_wanted()
        await self._retry_jump(bool(event.error))

    async def on_store_view_folder_done(self, event: FolderDone) -> None:
        event.stop()
        if event.generation != self._generation or self.secret_tree is None:
            return
        if event.error:
            self._notify_failure(f"could not list folder {event.path}", event.error, event.hint)
        self.secret_tree.index_changed()
        self._update_title()
        self.post_message(self.IndexChanged(self))
        await self._retry_jump(bool(event.error))

    def _notify_failure(self, what: str, error: str, hint: str) -> None:
        text = f"{escape_control(self.store_name)}: {escape_control(what)}: {escape_control(error)}"
        if hint:
            text += f"\nhint: {escape_control(hint)}"
        if self._told.get(what) == text:  # a refresh met the same failure: it is still in place
            return
        self._told[what] = text
        self.app.notify(text, severity="error", markup=False, timeout=10)

    def on_secret_tree_folder_wanted(self, event: SecretTree.FolderWanted) -> None:
        event.stop()
        self.load_folder(event.path)

    def on_secret_tree_keys_wanted(self, event: SecretTree.KeysWanted) -> None:
        event.stop()
        store, name = self._store(), event.name
        if store is None:
            return

        def read_keys() -> None:
            try:
                keys = sorted(store.get_secret(name, {}) or {})  # values are dropped right here
                read = True
            except Exception:  # noqa: BLE001 - the detail pane shows the error for this secret
                keys, read = [], False
            self.app.call_from_thread(self._keys_read, name, keys, read)

        self.run_worker(read_keys, thread=True, group="keys", exit_on_error=False, description=f"keys of {self.store_name}/{name}")

    def _keys_read(self, name: str, keys: list[str], read: bool) -> None:
        if self.secret_tree is not None:
            self.secret_tree.set_keys(name, keys)
        if read and self.index is not None:  # the user read it: its keys are searchable now
            self.index.add_keys(name, keys)
            self.post_message(self.IndexChanged(self))

    # ----- every name, for search (a hierarchical store's folders all listed)

    @property
    def complete(self) -> bool:
        """Every name the store has is in the index (as far as it could be listed)."""
        store = self._store()
        hierarchical = store is not None and store.hierarchical
        return self.listed and not self.listing and (not hierarchical or self.crawled or bool(self.list_error))

    def progress(self) -> str:
        """How far listing has come, for "still being listed": "1,204 so far, 31 folders listed"."""
        count = len(self.index) if self.index is not None else 0
        text = f"{count:,} so far"
        if self.crawling:
            text += f", {self.crawl_folders:,} folder{'' if self.crawl_folders == 1 else 's'} listed"
        return text

    def index_everything(self) -> None:
        """Search wants every name: a hierarchical store's folders are crawled once listed."""
        self.complete_wanted = True
        self._crawl_if_wanted()

    def _crawl_if_wanted(self) -> None:
        store, index = self._store(), self.index
        if (store is None or index is None or not store.hierarchical or not self.complete_wanted
                or self.crawling or self.crawled or self.listing or not self.listed or self.list_error):
            return
        self.crawling, self.crawl_folders, self.crawl_failures = True, 0, []
        generation = self._generation
        failures: list[tuple[str, str]] = []

        def failed(folder: str, error: StoreError) -> None:
            failures.append((folder, error.message))

        def crawl_folders() -> None:
            worker = get_current_worker()
            told = time.monotonic()
            error = ""
            try:
                for folder, entries in crawl(store, failed=failed):
                    if worker.is_cancelled or generation != self._generation:
                        return
                    add_page(store, index, entries, dated=True)
                    index.mark_loaded(folder)
                    self.crawl_folders += 1
                    if time.monotonic() - told > 0.1:  # a message per folder would flood the UI on 1,000 folders
                        told = time.monotonic()
                        self.post_message(self.NamesArrived(self, generation))
                    time.sleep(0)  # let the UI thread take the GIL now
            except StoreError as failure:
                error = failure.message
            except Exception as failure:  # noqa: BLE001 - a backend bug must not crash the app
                error = f"unexpected {type(failure).__name__} while listing folders"
            self.crawl_failures = failures
            self.post_message(self.CrawlDone(self, generation, error))

        self.run_worker(crawl_folders, thread=True, group="crawl", exclusive=True, exit_on_error=False,
                        description=f"list every folder of {self.store_name}")
        self._update_title()

    def on_store_view_crawl_done(self, event: CrawlDone) -> None:
        event.stop()
        if event.generation != self._generation:
            return
        self.crawling, self.crawled = False, True
        if event.error:
            self.crawl_failures.append(("", event.error))
        for folder, why in self.crawl_failures[:1]:  # one notification; the filter names them all
            more = len(self.crawl_failures) - 1
            what = f"could not list folder {folder or '(top)'}" + (f" and {more} more" if more else "")
            self._notify_failure(what, why, "")
        if self.secret_tree is not None:
            self.secret_tree.index_changed()
        self._update_title()
        self.post_message(self.IndexChanged(self))

    # ----- ages (the app's `a`): read only for the secrets shown, never their values

    def set_by_age(self, on: bool) -> None:
        self.by_age = on
        if self.secret_tree is not None:
            self.secret_tree.set_by_age(on)  # its AgesWanted follows
        self._update_title()

    def on_secret_tree_ages_wanted(self, event: SecretTree.AgesWanted) -> None:
        event.stop()
        store, tree, index = self._store(), self.secret_tree, self.index
        if store is None or tree is None or index is None or not tree.by_age:
            return
        if self._ages_index is not index:
            self._ages_index, self._ages_asked = index, set()
        names = [name for name in tree.shown_secrets() if name not in index.changed and name not in self._ages_asked]
        if not names:
            return
        self._ages_asked.update(names)

        def read_ages() -> None:
            worker = get_current_worker()
            told = time.monotonic()
            for name in names:
                if worker.is_cancelled:
                    return
                try:
                    index.changed[name] = store.last_changed(name)
                except Exception:  # noqa: BLE001 - no age ("-"): the detail pane says what fails for this secret
                    index.changed[name] = None
                if time.monotonic() - told > 0.25:  # a slow store: show ages as they come
                    told = time.monotonic()
                    self.post_message(self.AgesArrived(self, index))
            self.post_message(self.AgesArrived(self, index))

        self.run_worker(read_ages, thread=True, group="ages", exit_on_error=False, description=f"ages in {self.store_name}")

    def on_store_view_ages_arrived(self, event: AgesArrived) -> None:
        event.stop()
        if event.index is self.index and self.secret_tree is not None:
            self.secret_tree.index_changed()

    # ----- jumping to a secret (from the palette, the filter, a reference or the doctor)

    async def jump(self, name: str, key: str | None = None) -> None:
        """Put the cursor on secret `name`, listing what is needed first."""
        self._pending_jump = None
        if self.secret_tree is not None and self.index is not None and name in self.index:
            await self.secret_tree.select_secret(name, key)
            node = self.secret_tree.cursor_node
            known = self.index.keys(name) if key is not None else None
            if known is not None and key in known and node is not None and node.data is not None and node.data.path == name \
                    and node.data.secret_key != key:
                # keys the index knows without a read (a search hit): shown, so the cursor lands on the key
                self.secret_tree.set_keys(name, known)
                node.expand()
                await self.secret_tree.select_secret(name, key)
            return
        folder = self._unlisted_folder(name)
        if folder is not None and not self.listing:
            self._pending_jump = (name, key)
            self.load_folder(folder)
        elif self.listing or not self.listed:
            self._pending_jump = (name, key)  # retried when the listing is done
        else:
            self.app.notify(
                f"{escape_control(self.store_name)} has no secret named {escape_control(name)}.",
                severity="warning", markup=False,
            )

    def _unlisted_folder(self, name: str) -> str | None:
        """For a hierarchical store: the first folder on the way to `name` not listed yet."""
        if self.index is None or not self.index.hierarchical:
            return None
        separator = self.index.separator
        parts = name.split(separator)[:-1]
        for depth in range(len(parts)):
            folder = separator.join(parts[: depth + 1]) + separator
            if not self.index.is_loaded(folder):
                return folder
        return None

    async def _retry_jump(self, failed: bool) -> None:
        pending, self._pending_jump = self._pending_jump, None
        if pending is not None and not failed:
            await self.jump(*pending)

    # ----- title

    def _update_title(self) -> None:
        title = f"{self.store_name}  {short_type(self.component)}"
        index = self.index
        if index is not None:
            count = len(index)
            unlisted = index.folders_unlisted if index.hierarchical else 0  # folders whose LIST failed stay unlisted
            if count or not unlisted:  # never "0 secrets" for a store whose folders hold names
                title += f"  {count:,}{'+' if unlisted else ''} secret{'' if count == 1 and not unlisted else 's'}"
            if unlisted:
                title += f"{'  ' if not count else ', '}{unlisted:,} folder{'' if unlisted == 1 else 's'} not listed"
            if self.listing or self.crawling:
                title += "…"
            if self.crawling:
                title += f" listing folders ({self.crawl_folders:,} done)"
        if self.secret_tree is not None and self.secret_tree.by_age:
            title += "  · newest first"
        self.border_title = safe_text(title)  # Text, not a str: a str title is parsed as markup


def add_page(store: SecretStore, index: NameIndex, entries: Iterable[SecretEntry], dated: bool) -> None:
    """One page of a listing (or one crawled folder) into the index: its folders, its names with
    their notes, the dates the listing gave (`dated`: worth keeping, see `_list`) and the keys the
    store knows without a read."""
    names = []
    for entry in entries:
        if entry.is_folder:
            index.add_folder(entry.name)
            continue
        names.append(entry.name)
        if entry.note:
            index.notes[entry.name] = entry.note
        if dated and entry.changed is not None:  # the listing said: no call per secret later
            index.changed[entry.name] = entry.changed
    index.add(names)
    for name, keys in store.listed_keys(names).items():  # known without a read
        index.add_keys(name, keys)
