"""Search across stores (issue #14), through the real app on real local.file stores: separators match
each other, keys are searchable without reading values, the palette ranks exact and whole-segment
matches above fuzzy ones, a `store:` prefix keeps to one store, whatever the palette shows can be
typed back to find it first, and pane titles never say "0 secrets" or stay "loading"."""

from __future__ import annotations

import asyncio

from textual.command import CommandList

from dapr_secrets.tui.commands import LISTING_SCORE
from dapr_secrets.tui.widgets.filter import FilterResults
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.helpers.tui import SIZE, component_yaml, make_app, settle, tree_of, wait_for
from tests.tui.stores import FolderStore, GatedStore, MemoryStore


def stores(resources):
    # contrib:secretstores/local/file/filestore.go: nested keys are joined with nestedSeparator (":" by default)
    resources.file_store("files", {"db": {"password": "v1", "user": "v2"}, "redis": {"password": "v3"}, "password-old": "v4"})
    # multiValued: each top-level object is one secret whose keys are its (flattened) members
    resources.file_store("multi", {"redis": {"password": "v5", "port": "v6"}, "cache": "v7"}, multiValued="true")
    resources.write("r.yaml", component_yaml("redis", "state.redis", {"redisHost": "localhost"}))


def results(app) -> list[str]:
    return [option.prompt.plain for option in app.query_one(FilterResults).options]


async def filter_for(pilot, text: str) -> list[str]:
    app = pilot.app
    field = app.query_one("#filter")
    if not field.display:
        await pilot.press("slash")
    field.value = text
    await wait_for(pilot, lambda: not any(line.startswith("⋯") for line in results(app)), what="every store listed")
    await pilot.pause()
    return results(app)


async def test_colon_and_slash_match_each_other_in_the_filter(resources):
    stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await filter_for(pilot, "db/password") == ["files  db:password"]
        assert await filter_for(pilot, "DB:PASS") == ["files  db:password"]


async def test_keys_listed_by_a_multivalued_file_are_searchable_at_once_and_enter_opens_the_key(resources):
    stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for query in ("redis password", "redis/password", "redis:password", "redis[password]"):
            shown = await filter_for(pilot, query)
            assert shown[:2] == ["files  redis:password", "multi  redis[password]"], (query, shown)
            assert not any(line.startswith("Keys searched only") for line in shown)  # the file says its keys
        assert "multi  redis[port]" in await filter_for(pilot, "port")
        assert await filter_for(pilot, "v5") == ["No name matches."]  # values are never searched
        await filter_for(pilot, "redis password")
        app.query_one("#filter").focus()
        await pilot.press("down", "down", "enter")  # the second match: the key of multi's redis
        await settle(pilot)
        tree = tree_of(app, "multi")
        assert app.main_screen.current == "multi"
        assert tree.cursor_node.data.path == "redis" and tree.cursor_node.data.secret_key == "password"


async def test_keys_only_a_read_tells_are_not_read_to_search(resources):
    MemoryStore.secrets = {"redis": {"password": "v", "user": "u"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await filter_for(pilot, "redis password") == ["No name matches."]
        assert MemoryStore.reads == []  # listing and searching read no value


# ----- the palette


def hits(app) -> list[str]:
    """The palette's hits, best first: what each one shows (information lines left out)."""
    commands = app.screen.query_one(CommandList)
    shown = [commands.get_option_at_index(i) for i in range(commands.option_count)]
    return [option.hit.text for option in shown if getattr(option, "hit", None) and option.hit.score > LISTING_SCORE]


async def palette_for(pilot, text: str) -> list[str]:
    app = pilot.app
    if not app.screen.query(CommandList):
        await pilot.press("ctrl+p")
        await pilot.pause()
    field = app.screen.query_one("CommandInput")
    field.value = text
    await asyncio.sleep(0.4)  # the palette batches hits for 0.25 s
    await pilot.pause()
    return hits(app)


async def test_the_palette_ranks_components_and_whole_segments_above_fuzzy_hits(resources):
    stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.search.index_ready_stores()
        await wait_for(pilot, lambda: not app.main_screen.search.progress()[0], what="every store listed")
        shown = await palette_for(pilot, "redis")
        assert shown[:2] == ["component redis", "multi: redis"], shown  # exact: the component first
        assert shown[2] == "files: redis:password"  # a whole segment
        shown = await palette_for(pilot, "password")
        segments = {"files: db:password", "files: redis:password", "multi: redis[password]"}
        assert set(shown[:3]) == segments and shown.index("files: password-old") > 2, shown  # a substring after
        shown = await palette_for(pilot, "rdps")  # fuzzy only: still found, after nothing better
        assert "files: redis:password" in shown


async def test_actions_rank_on_the_same_scale_as_names(resources):
    """An action's title matched fuzzily ("ord" in "Forward") must not outrank a component whose name
    holds the query ("orders-state"): every provider scores on one scale (it did not: the actions'
    raw fuzzy score beat the component, and enter ran "Forward")."""
    stores(resources)
    resources.write("o.yaml", component_yaml("orders-state", "state.redis", {"redisHost": "localhost"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = await palette_for(pilot, "ord")
        assert shown[0] == "component orders-state", shown
        assert "Forward" in shown  # still offered, below
        assert (await palette_for(pilot, "doctor"))[0] == "Doctor", "an exact title still comes first"


async def test_a_store_prefix_keeps_to_that_store(resources):
    stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.search.index_ready_stores()
        await wait_for(pilot, lambda: not app.main_screen.search.progress()[0], what="every store listed")
        for query in ("multi:redis", "multi: redis", "MULTI:redis"):
            shown = await palette_for(pilot, query)
            assert shown and all(text.startswith("multi: ") for text in shown), (query, shown)
        assert (await palette_for(pilot, "redis:password"))[0] == "files: redis:password"  # no store `redis`: a name


async def test_whatever_the_palette_shows_typed_back_finds_it_first(resources):
    stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.search.index_ready_stores()
        await wait_for(pilot, lambda: not app.main_screen.search.progress()[0], what="every store listed")
        shown = set()
        for query in ("redis", "password", "db", "cache", "port"):
            shown.update(await palette_for(pilot, query))
        assert {"component redis", "multi: redis[port]", "files: db:user", "multi: cache"} <= shown
        for text in sorted(shown):
            if text.startswith(("component ", "files: ", "multi: ")):  # secrets, keys, components (actions are titles)
                assert (await palette_for(pilot, text))[0] == text, text


# ----- pane titles


async def test_a_title_counts_names_arriving_in_pages_and_never_stays_loading(resources):
    MemoryStore.secrets = {f"late-{i}": {"v": "x"} for i in range(5)}
    MemoryStore.page_size = 2
    resources.write("g.yaml", component_yaml("slow", "secretstores.test.gated"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:  # the only component: shown as the app starts
        await wait_for(pilot, lambda: "slow" in app.main_screen.views, what="the view")
        view = app.main_screen.views["slow"]
        assert isinstance(view, StoreView)
        await wait_for(pilot, lambda: view.index is not None and len(view.index) == 2, what="the first page")
        await pilot.pause()
        assert str(view.border_title).endswith("test.gated  2 secrets…")
        GatedStore.gate.set()
        await wait_for(pilot, lambda: view.listed, what="the rest")
        await settle(pilot)
        assert str(view.border_title).endswith("test.gated  5 secrets")
        assert view.secret_tree._status_node() is None  # no "loading names" left behind


async def test_after_a_refresh_search_still_finds_secrets_in_folders_never_expanded(resources):
    FolderStore.tree = {"": ["team/"], "team/": ["team/deep/"], "team/deep/": ["team/deep/needle"]}
    resources.write("f.yaml", component_yaml("folders", "secretstores.test.folders"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await filter_for(pilot, "needle") == ["folders  team/deep/needle"]
        FolderStore.tree = {**FolderStore.tree, "team/deep/": ["team/deep/needle", "team/deep/needle-new"]}
        FolderStore.listed.clear()
        view = app.main_screen.views["folders"]
        app.action_refresh()  # ctrl+r: the store is listed again, every folder of it too (search asked once)
        await wait_for(pilot, lambda: not view.complete, what="the refresh to start")
        await wait_for(pilot, lambda: view.complete, what="complete again")
        await settle(pilot)
        assert sorted(set(FolderStore.listed)) == ["", "team/", "team/deep/"]
        assert str(view.border_title).endswith("test.folders  2 secrets")
        assert await filter_for(pilot, "needle") == ["folders  team/deep/needle", "folders  team/deep/needle-new"]


async def test_refresh_keeps_the_open_filter_and_runs_its_query_again_on_the_names_read_again(resources):
    resources.file_store("files", {"needle-old": "v1", "hay": "v2"})
    resources.write("r.yaml", component_yaml("redis", "state.redis", {"redisHost": "localhost"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await filter_for(pilot, "needle") == ["files  needle-old"]
        resources.secrets_file("files.json", {"needle-new": "v3", "hay": "v2"})
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: results(app) == ["files  needle-new"], what="the query run again on the new names")
        field = app.query_one("#filter")
        assert field.display and field.value == "needle" and field.has_focus  # still filtering, as typed
        await pilot.press("escape")  # closing it shows the store that was shown before, read again
        await settle(pilot)
        assert not field.display and app.main_screen.current == "files"


async def test_a_query_matching_thousands_says_at_least_how_many_more(resources):
    """The filter stops counting past COUNT_UP_TO matches of a one-word query (the first letters typed
    match every name: counting 1,000,000 of them was most of a keystroke's stall) and says so with a `+`;
    a narrower query counts exactly."""
    resources.file_store("big", {f"app-{g:02d}": {f"secret-{g * 1000 + i:05d}": "v" for i in range(1000)} for g in range(15)})
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = await filter_for(pilot, "secret")
        assert shown[-1].startswith("… and ") and "+ more: type more to narrow" in shown[-1], shown[-3:]
        assert int(shown[-1].split()[2].rstrip("+").replace(",", "")) + 200 < 15_000  # a floor, not the exact 14,800
        shown = await filter_for(pilot, "secret-1")  # secret-10000 to secret-14999: 5,000, under the cap
        assert shown[-1] == "… and 4,800 more: type more to narrow", shown[-3:]
