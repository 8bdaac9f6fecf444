"""Searching the names of every secret store, for `/` (the filter) and the command palette.

One service holds what both need: the stores' name indexes (kept by their store views), which stores
are still listing or cannot be searched, listing the stores nobody opened yet, and telling whoever
has a search open that more names arrived (at most every REFRESH seconds: a listing sends pages
much faster than anyone reads).
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

    def progress(self) -> tuple[list[str], list[tuple[str, str]]]:
        """Stores whose names are still arriving, and (store, why) for those that cannot be searched."""
        runtime = self._stores.runtime
        listing: list[str] = []
        unsearched: list[tuple[str, str]] = []
        for component in runtime.secret_stores():
            name, view = component.name, self._stores.views.get(component.name)
            state = runtime.status(name).state
            if state != State.READY:
                unsearched.append((name, WORDS[state]))
            elif isinstance(view, StoreView) and view.list_error and not view.listing:
                unsearched.append((name, "could not list names"))
            elif not isinstance(view, StoreView) or view.listing or not view.listed:
                listing.append(name)
        return listing, unsearched

    def index_ready_stores(self) -> None:
        """List (in thread workers) every ready store not indexed yet, through its store view,
        created hidden when the store was never shown: flat stores whole, hierarchical ones their
        top level (folders the user opened are already in their index). Stores that are not ready
        are left alone."""
        runtime = self._stores.runtime
        for component in runtime.secret_stores():
            if runtime.status(component.name).state == State.READY:
                self._stores.ensure_view(component.name)

    # ----- news from the stores

    def store_ready(self, name: str) -> None:
        """A store became ready: listed at once if a search is open."""
        if self.searching:
            self._stores.ensure_view(name)

    def names_arrived(self) -> None:
        """More names in some index: the open searches run again, at most every REFRESH seconds."""
        if self.searching and not self._pending:
            self._pending = True
            self._set_timer(REFRESH, self._search_again)

    def _search_again(self) -> None:
        self._pending = False
        for search_again in list(self._searches.values()):
            search_again()
