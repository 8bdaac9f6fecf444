"""Searching the names of every secret store, for `/` (the filter) and the command palette.

One service holds what both need: the stores' name indexes (kept by their store views), which stores
are still listing or cannot be searched, listing the stores nobody opened yet (every folder of a
hierarchical store too, in the background: a search must not miss a secret because its folder was
never expanded), and telling whoever has a search open that more names arrived (at most every
REFRESH seconds: a listing sends pages much faster than anyone reads).

Keys are searched where they are known without reading a value (the NameIndex has them): from the
listing where the store holds them anyway (a multiValued file), else only once the user read the
secret. `keys_read_only` names the stores where that limit applies, so the UI can say so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from dapr_secrets.backends.runtime import Runtime, State
from dapr_secrets.tui.widgets.status import WORDS
from dapr_secrets.tui.widgets.store_view import StoreView

if TYPE_CHECKING:
    from dapr_secrets.tui.name_index import NameIndex

REFRESH = 0.3  # seconds between two updates of an open search while names arrive
# Store types whose secrets hold several keys though Dapr does not advertise MULTIPLE_KEY_VALUES_PER_SECRET.
SEVERAL_KEYS_TYPES = frozenset({"secretstores.kubernetes"})


class StoreViews(Protocol):
    """Where the stores' names are: the main screen's store views, created when asked for."""

    @property
    def runtime(self) -> Runtime: ...

    @property
    def views(self) -> Mapping[str, object]: ...

    def ensure_view(self, name: str) -> object: ...


class SearchService:
    def __init__(self, stores: StoreViews, set_timer: Callable[[float, Callable[[], None]], object]) -> None:
        self._stores = stores
        self._set_timer = set_timer
        self._searches: dict[str, Callable[[], None]] = {}  # who searches ("filter", "palette") -> search again
        self._pending = False  # an update is scheduled

    # ----- who is searching

    def open(self, who: str, search_again: Callable[[], None]) -> None:
        """A search opened: every ready store gets listed, and `search_again` runs as names arrive."""
        self._searches[who] = search_again
        self.index_ready_stores()

    def close(self, who: str) -> None:
        self._searches.pop(who, None)

    @property
    def searching(self) -> bool:
        return bool(self._searches)

    # ----- what there is to search

    def indexes(self) -> dict[str, NameIndex]:
        return {
            name: view.index for name, view in self._stores.views.items() if isinstance(view, StoreView) and view.index is not None
        }

    def progress(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(store, how far) for stores whose names are still arriving (a hierarchical store until
        every folder is listed), and (store, why) for those that cannot be searched, or not whole."""
        runtime = self._stores.runtime
        listing: list[tuple[str, str]] = []
        unsearched: list[tuple[str, str]] = []
        for component in runtime.secret_stores():
            name, view = component.name, self._stores.views.get(component.name)
            state = runtime.status(name).state
            if state != State.READY:
                unsearched.append((name, WORDS[state]))
            elif not isinstance(view, StoreView):
                listing.append((name, "not started"))
            elif view.list_error and not view.listing:
                unsearched.append((name, "could not list names"))
            elif not view.complete:
                listing.append((name, view.progress()))
            elif view.crawl_failures:
                folders = ", ".join(folder or "(top)" for folder, _ in view.crawl_failures[:3])
                more = len(view.crawl_failures) - 3
                why = view.crawl_failures[0][1]
                unsearched.append((name, f"could not list folder {folders}{f' and {more} more' if more > 0 else ''}: {why}"))
        return listing, unsearched

    def keys_read_only(self) -> list[str]:
        """Stores whose secrets hold several keys that only a read tells (it reads the values too):
        their keys are searched only for the secrets the user has read."""
        runtime = self._stores.runtime
        stores = []
        for component in runtime.secret_stores():
            store = runtime.store(component.name)
            if store is None or not (store.multi_valued or component.type in SEVERAL_KEYS_TYPES):
                continue
            if not store.keys_listed:
                stores.append(component.name)
        return stores

    def index_ready_stores(self) -> None:
        """List (in thread workers) every ready store not indexed yet, through its store view,
        created hidden when the store was never shown: flat stores whole, hierarchical ones every
        folder (crawled in the background). Stores that are not ready are left alone."""
        runtime = self._stores.runtime
        for component in runtime.secret_stores():
            if runtime.status(component.name).state == State.READY:
                self._index(component.name)

    def _index(self, name: str) -> None:
        view = self._stores.ensure_view(name)
        if isinstance(view, StoreView):
            view.index_everything()

    # ----- news from the stores

    def store_ready(self, name: str) -> None:
        """A store became ready: listed at once if a search is open."""
        if self.searching:
            self._index(name)

    def names_arrived(self) -> None:
        """More names in some index: the open searches run again, at most every REFRESH seconds."""
        if self.searching and not self._pending:
            self._pending = True
            self._set_timer(REFRESH, self._search_again)

    def _search_again(self) -> None:
        self._pending = False
        for search_again in list(self._searches.values()):
            search_again()
