"""Pilot tests for the QA pass on the TUI (issue #3 follow-up): one test (or two) per finding."""

from __future__ import annotations

import asyncio
import re

from dapr_secrets.tui.commands import ActionsProvider
from dapr_secrets.tui.screens.doctor import DoctorScreen
from dapr_secrets.tui.widgets.component_view import ComponentView
from dapr_secrets.tui.widgets.detail import KEY_SHARE, DetailPane, ValueTable, VersionTable
from dapr_secrets.tui.widgets.filter import FilterResults
from dapr_secrets.tui.widgets.references import ReferencesPane
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import (
    FakeNativeClipboard,
    component_yaml,
    cursor_to,
    labels,
    make_app,
    notifications,
    open_store,
    screen_text,
    settle,
    tree_of,
    wait_for,
)
from tests.tui.stores import FolderStore, GatedStore, MemoryStore, SlowVersionStore

SIZE = (120, 36)


def footer_keys(app) -> set[str]:
    """The actions the footer offers (bindings shown and not switched off by check_action)."""
    return {
        active.binding.action for active in app.screen.active_bindings.values()
        if active.binding.show and active.enabled
    }


def palette_actions(app) -> list[str]:
    return [title for title, _help, _action in ActionsProvider(app.screen)._actions()]


def results(app) -> list[str]:
    return [option.prompt.plain for option in app.query_one(FilterResults).options]


# ----- 1. x on a secret reveals one value, never every key of it


def multi_key_store(resources, **settings):
    MemoryStore.secrets = {
        "multi": {"username": "multi-user-value", "password": "multi-pass-value"},
        "single": {"only": "single-value"},
    }
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    return make_app(resources.runtime(), **settings)


async def test_x_on_a_multi_key_secret_reveals_only_its_first_key_in_the_secret_pane(resources):
    app = multi_key_store(resources)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "multi")
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(app)
        assert "multi-pass-value" in text and "multi-user-value" not in text  # one key: the first
        assert isinstance(app.focused, ValueTable) and app.focused.cursor_row == 0
        assert any("multi has 2 keys: showing password" in m for m in notifications(app))
        await pilot.press("down")  # the next key: the revealed one re-masks, nothing else shows
        await pilot.pause()
        text = screen_text(app)
        assert "multi-pass-value" not in text and "multi-user-value" not in text
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(app)
        assert "multi-user-value" in text and "multi-pass-value" not in text


async def test_x_on_a_single_key_secret_reveals_it_in_place(resources):
    app = multi_key_store(resources)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "single")
        await pilot.press("x")
        await pilot.pause()
        assert "single-value" in screen_text(app) and app.focused is tree
        await pilot.press("x")
        await pilot.pause()
        assert "single-value" not in screen_text(app)


# ----- 2. the key column is laid out per secret and capped; the value column always shows


async def test_key_column_width_is_per_secret_and_capped_and_revealed_values_show_in_full(resources):
    long_value = "short-key-value-" + "x" * 40
    MemoryStore.secrets = {
        "a-long": {"k" * 400: "long-key-value"},
        "b-short": {"a": long_value},
    }
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        detail = app.query_one(DetailPane)
        table = app.query_one(ValueTable)
        await cursor_to(pilot, tree, "a-long")
        key_column, value_column = table.ordered_columns
        assert key_column.width <= detail.scrollable_content_region.width * KEY_SHARE
        assert value_column.width >= 12
        await pilot.press("x")
        await pilot.pause()
        row = [cell.plain for cell in table.get_row_at(0)]
        assert row[0].endswith("…") and row[1] == "long-key-value"
        assert "long-key-value" in str(app.query_one("#revealed").render())  # in full below, too

        await cursor_to(pilot, tree, "b-short")  # a short key after a long one: narrow again
        key_column, value_column = table.ordered_columns
        assert key_column.width == 3
        await pilot.press("x")
        await pilot.pause()
        cell = table.get_row_at(0)[1].plain
        assert cell.endswith("…") and cell[:-1] in long_value
        assert long_value in str(app.query_one("#revealed").render())


# ----- 3. / and the palette list every ready store, showing results as they arrive


def many_stores(resources):
    MemoryStore.secrets = {"mem-needle": {"v": "1"}}
    MemoryStore.page_size = 1
    resources.write("a.yaml", component_yaml("mem", "secretstores.test.memory"))
    resources.write("b.yaml", component_yaml("slow", "secretstores.test.gated"))
    FolderStore.tree = {"": ["team/", "top-needle"], "team/": ["team/deep-needle"]}
    resources.write("c.yaml", component_yaml("folders", "secretstores.test.folders"))
    resources.write("d.yaml", component_yaml("broken", "secretstores.local.file", {"secretsFile": "missing.json"}))


async def test_the_filter_lists_every_ready_store_and_says_which_are_still_listing(resources):
    many_stores(resources)
    MemoryStore.secrets = {"mem-needle": {"v": "1"}, "slow-needle-late": {"v": "2"}}  # slow: 2nd page waits
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not {"slow", "folders"} & set(app.main_screen.views)  # never shown: not listed
        await pilot.press("slash", *"needle")
        await wait_for(pilot, lambda: "folders  top-needle" in results(app), what="the folder store's top level")
        shown = results(app)
        assert "mem  mem-needle" in shown and "slow  mem-needle" in shown
        assert "slow  slow-needle-late" not in shown
        assert "⋯ 1 store still being listed: slow (1 so far): more may match" in shown
        assert "Not searched: broken (error)" in shown
        assert "folders  team/deep-needle" in shown  # a folder nobody expanded: crawled for search (#14)
        assert sorted(set(FolderStore.listed)) == ["", "team/"]
        assert "broken" not in app.main_screen.views  # not ready: not listed
        GatedStore.gate.set()
        await wait_for(pilot, lambda: "slow  slow-needle-late" in results(app), what="the rest of slow")
        assert not any(line.startswith("⋯") for line in results(app))


async def test_the_palette_finds_secrets_of_stores_nobody_opened(resources):
    many_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"top-needle")
        await wait_for(pilot, lambda: "folders" in app.main_screen.views and app.main_screen.views["folders"].listed, what="folders listed")
        await asyncio.sleep(0.6)  # the app asks the palette to search again once names arrived
        await pilot.pause()
        assert "folders: top-needle" in screen_text(app)
        assert "⋯ 1 store still being listed: slow: more may match" in screen_text(app)
        assert "not searched: broken (error)" in screen_text(app)  # a store that cannot be listed says so
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.current == "folders" and tree_of(app, "folders").cursor_node.data.path == "top-needle"


# ----- 4 and 5. the footer and the palette offer only what can work; one "^p palette"


async def test_no_reveal_hides_x_in_the_footer_and_the_palette(resources):
    app = multi_key_store(resources, no_reveal=True)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "single")
        assert "reveal" not in footer_keys(app) and "copy" in footer_keys(app)
        assert "Reveal / hide value" not in palette_actions(app) and "Copy value" in palette_actions(app)
        assert "x Reveal" not in screen_text(app)
        versions = app.query_one(VersionTable)  # MemoryStore keeps two versions: the list shows
        versions.focus()
        await pilot.pause()
        assert "reveal_version" not in footer_keys(app) and "copy_version" in footer_keys(app)
        await pilot.press("x")  # x still says why it does nothing
        await pilot.pause()
        assert "single-value" not in screen_text(app)
        assert notifications(app)[-1] == "Reveal is off (--no-reveal). c still copies."


async def test_x_and_c_are_hidden_on_a_component_without_values_to_show(resources):
    MemoryStore.secrets = {"k": {"k": "v"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    resources.write("s.yaml", component_yaml("cache", "state.redis", {"redisHost": "h:1"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "mem")
        assert {"reveal", "copy"} <= footer_keys(app)
        app.query_one(Sidebar).highlight_component("cache")
        await settle(pilot)
        assert app.main_screen.current == "cache"
        assert not {"reveal", "copy"} & footer_keys(app)
        assert not {"Reveal / hide value", "Copy value", "Copy name", "Next version"} & set(palette_actions(app))
        text = screen_text(app)
        assert "x Reveal" not in text and "c Copy" not in text


async def test_palette_and_help_appear_once_in_the_footer_not_in_the_header(resources):
    app = multi_key_store(resources)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "^p" not in str(app.query_one("#header").render())
        assert screen_text(app).count("^p palette") == 1


async def test_help_documents_the_versions_list_and_v(resources):
    app = multi_key_store(resources)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = re.sub(r"[│\s]+", " ", screen_text(app))  # lines of the help text joined again
        assert "versions list" in text and "moving the cursor reads that version" in text
        assert "x / c act on it" in text and "read the next older version" in text


# ----- 6. grouping by "/" when the store's separator is absent; natural order


async def test_slash_groups_names_when_no_name_has_the_stores_separator_and_order_is_natural(resources):
    MemoryStore.secrets = {f"svc{i}/key{j}": {"v": "1"} for i in range(1, 13) for j in range(1, 101)}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory", {"separator": ":"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        assert labels(tree.root) == [f"svc{i}/ (100)" for i in range(1, 13)]  # svc2 before svc10
        group = tree.root.children[0]
        group.expand()
        await settle(pilot)
        assert labels(group)[:11] == [f"key{j}" for j in range(1, 12)]  # key2 before key10


# ----- 7. quieter, more precise messages


async def test_no_native_clipboard_is_said_once_per_session(resources):
    app = multi_key_store(resources)  # make_app's native clipboard does not work
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "single")
        await pilot.press("c")
        await pilot.press("c")
        await pilot.pause()
        copied = [m for m in notifications(app) if m.startswith("Copied")]
        assert len(copied) == 2
        assert "native clipboard: no clipboard program found" in copied[0]
        assert "native clipboard" not in copied[1]


async def test_refresh_does_not_repeat_the_same_store_error(resources):
    resources.write("b.yaml", component_yaml("broken", "secretstores.local.file", {"secretsFile": "missing.json"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        def opened() -> list[str]:
            return [m for m in notifications(app) if "broken failed to open" in m]

        assert len(opened()) == 1
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.pause(0.2)
        assert len(opened()) == 1  # the same failure: still in place, not said again
        resources.write("b.yaml", component_yaml("broken", "secretstores.local.file", {"secretsFile": "other.json"}))
        await pilot.press("ctrl+r")
        await settle(pilot)
        await wait_for(pilot, lambda: len(opened()) == 2, what="the changed failure")
        assert "other.json" in opened()[1]


async def test_refresh_does_not_repeat_the_same_listing_failure(resources):
    resources.write("d.yaml", component_yaml("down", "secretstores.test.down"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("down")
        views = app.main_screen.views
        await wait_for(pilot, lambda: "down" in views and views["down"].listed, what="down listed")

        def failed() -> list[str]:
            return [m for m in notifications(app) if "down: could not list names" in m]

        assert len(failed()) == 1
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main_screen.views["down"].listed and not app.main_screen.views["down"].listing
                       and app.main_screen.views["down"]._generation >= 3, what="listed again")  # refresh: +1, listing: +1
        await settle(pilot)
        assert len(failed()) == 1


async def test_a_group_summary_counts_in_the_singular_and_stops_saying_expand_once_open(resources):
    MemoryStore.secrets = {"db:password": {"v": "1"}, "api:key": {"v": "1"}, "api:token": {"v": "1"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory", {"separator": ":"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        def title() -> str:
            return str(app.query_one("#detail-title").render())

        tree.move_cursor(tree.root.children[1])  # db: one secret
        await pilot.pause()
        assert title() == "1 secret in here. Expand with enter or space."
        await pilot.press("enter")
        await settle(pilot)
        assert title() == "1 secret in here."
        tree.move_cursor(tree.root.children[0])  # api: two
        await pilot.pause()
        assert title() == "2 secrets in here. Expand with enter or space."


async def test_with_no_secret_highlighted_the_references_pane_names_the_stores_users(resources):
    resources.file_store("files", {"redis": {"password": "p"}})
    resources.write("s.yaml", component_yaml(
        "orders-state", "state.redis",
        {"redisPassword": {"secretKeyRef": {"name": "redis:password", "key": "redis:password"}}}, auth="files",
    ))
    resources.write("t.yaml", component_yaml("no-refs", "bindings.http", {"url": "u"}, auth="files"))
    resources.write("u.yaml", component_yaml("elsewhere", "bindings.http", {"url": "u"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        tree.move_cursor(tree.root.children[0])  # the group redis:
        await pilot.pause()
        refs = app.query_one(ReferencesPane)
        rows = [option.prompt.plain for option in refs.options]
        assert rows == [  # in loader order; "elsewhere" has no auth.secretStore
            "Components using files:",
            "orders-state  state.redis\n  1 secretKeyRef",
            "no-refs  bindings.http\n  no secretKeyRef",
        ]
        refs.focus()
        await pilot.press("down", "enter")  # past orders-state, on to no-refs
        await settle(pilot)
        assert app.main_screen.current == "no-refs"


async def test_the_references_pane_lists_http_endpoints_that_use_the_store(resources):
    # dapr:pkg/runtime/processor/httpendpoints.go: an HTTPEndpoint's header secretKeyRef is resolved by
    # the same secret processor, so it is one of the store's users and one of the secret's references.
    resources.file_store("files", {"redis": {"password": "p"}})
    resources.write("e.yaml", (
        "apiVersion: dapr.io/v1alpha1\nkind: HTTPEndpoint\nmetadata: {name: pay}\nspec:\n  baseUrl: https://x\n"
        "  headers:\n  - {name: Auth, secretKeyRef: {name: 'redis:password', key: 'redis:password'}}\n"
        "auth: {secretStore: files}\n"
    ))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        tree.move_cursor(tree.root.children[0])  # the group redis:
        await pilot.pause()
        refs = app.query_one(ReferencesPane)
        assert [option.prompt.plain for option in refs.options] == ["Using files:", "HTTPEndpoint pay\n  1 secretKeyRef"]
        assert refs.runtime.references_to("files", "redis:password")[0].owner == "HTTPEndpoint pay"


# ----- 8. the doctor on a component daprd never loads


async def test_doctor_stays_open_on_a_never_loaded_component_and_shows_where_to_fix_it(resources):
    resources.write("bad.yaml", component_yaml('"bad/name\\u001b[31m"', "state.redis"))  # YAML escapes ESC
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        row = next(i for i, d in enumerate(screen.diagnostics) if d.code == "invalid-name")
        table = screen.query_one("#diagnostics")
        table.move_cursor(row=row)
        where, source, problem = (cell.plain for cell in table.get_row_at(row)[1:])
        assert source == "bad.yaml:1"
        assert where == "bad/name\\e[31m"
        assert problem.startswith('invalid name "bad/name\\e[31m" for "Component"')  # the same spelling
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # nothing to jump to: the doctor stays
        hint = str(screen.query_one("#doctor-hint").render())
        assert "bad/name\\e[31m was never loaded" in hint and "bad.yaml:1" in hint
        assert not any("There is no component" in m for m in notifications(app))


# ----- 9. plain credentials in a component file: x and c like secrets


async def test_x_and_c_act_on_a_plain_credential_in_a_component_view(resources):
    resources.write("s.yaml", component_yaml("cache", "state.redis", {"redisHost": "h:1", "redisPassword": "plain-pw-value"}))
    native = FakeNativeClipboard()
    app = make_app(resources.runtime(), native, reveal_timeout=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.jump_to_component("cache")
        await settle(pilot)
        view = app.main_screen.views["cache"]
        assert isinstance(view, ComponentView)
        assert {"reveal", "copy"} <= footer_keys(app)
        await pilot.press("x")  # on redisHost: not a credential
        await pilot.pause()
        assert "Highlight a masked plain value first." in notifications(app)
        await pilot.press("down", "x")
        await pilot.pause()
        assert "plain-pw-value" in screen_text(app)
        await pilot.press("up")  # the cursor leaves: masked again
        await pilot.pause()
        assert "plain-pw-value" not in screen_text(app)
        await pilot.press("down", "c")
        await pilot.pause()
        assert app.clipboard == native.content == "plain-pw-value"
        assert "plain-pw-value" not in screen_text(app)
        copied = notifications(app)[-1]
        assert copied.startswith("Copied cache/redisPassword (plain value in the component file)")
        await pilot.press("x")
        await pilot.pause()
        assert "plain-pw-value" in screen_text(app)
        await asyncio.sleep(0.7)  # the reveal timeout
        await pilot.pause()
        assert "plain-pw-value" not in screen_text(app)


# ----- 10. c copies the version the Secret pane shows, once it is read


async def test_c_right_after_v_copies_that_version_once_read_and_refuses_an_unreadable_one(resources):
    MemoryStore.secrets = {"db": {"db": "versioned-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.slowversions"))
    app = make_app(resources.runtime(), FakeNativeClipboard())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db")
        detail = app.query_one(DetailPane)
        await pilot.press("v", "c")  # version 1 is still on its way when c comes
        await pilot.pause(0.2)
        assert detail.version == "1" and not detail.read_done
        assert app.clipboard is None or app.clipboard == ""  # not the current version instead
        SlowVersionStore.version_gate.set()
        await wait_for(pilot, lambda: app.clipboard == "versioned-value-v1", what="version 1 copied")
        assert notifications(app)[-1].startswith("Copied mem/db version 1 (")

        detail.pick_version("2")  # destroyed: cannot be read
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "versioned-value-v1"
        assert notifications(app)[-1].startswith("Nothing to copy: version 2 cannot be read: it is destroyed")
