"""The search service behind `/` and the palette: pages of names arriving fast update an open
search at most every REFRESH seconds, and only while someone searches."""

from __future__ import annotations

from types import SimpleNamespace

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.tui.search import REFRESH, SearchService


def service():
    timers: list[tuple[float, object]] = []
    stores = SimpleNamespace(runtime=Runtime(RuntimeOptions(resources_paths=(), env={}), []), views={}, ensure_view=lambda name: None)
    return SearchService(stores, lambda delay, callback: timers.append((delay, callback))), timers


def test_names_arriving_while_nobody_searches_schedule_nothing():
    search, timers = service()
    search.names_arrived()
    assert timers == [] and not search.searching


def test_many_pages_update_each_open_search_once_per_refresh_period():
    search, timers = service()
    calls: list[str] = []
    search.open("filter", lambda: calls.append("filter"))
    search.open("palette", lambda: calls.append("palette"))
    for _ in range(50):
        search.names_arrived()
    assert [delay for delay, _ in timers] == [REFRESH]
    timers[0][1]()
    assert calls == ["filter", "palette"]
    search.close("palette")
    search.names_arrived()
    timers[1][1]()
    assert calls == ["filter", "palette", "filter"]
    search.close("filter")
    search.names_arrived()
    assert len(timers) == 2 and not search.searching
