"""Pilot tests of the app's behaviour (issue #3), on real runtimes over temporary folders."""

from __future__ import annotations

import asyncio

from dapr_secrets.tui.widgets.detail import DetailPane
from dapr_secrets.tui.widgets.references import ReferencesPane
from dapr_secrets.tui.widgets.secret_tree import NodeKind
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import (
    SIZE,
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
from tests.tui.stores import FolderStore, GatedStore, MemoryStore

# ----- loading


async def test_names_are_listed_only_when_a_store_is_first_shown_and_values_only_on_highlight(resources):
    MemoryStore.secrets = {"db:user": {"db:user": "u"}, "db:password": {"db:password": "p"}, "api": {"api": "k"}}
    resources.write("a.yaml", component_yaml("first", "secretstores.test.memory", {"separator": ":"}))
    second = {"secretsFile": resources.secrets_file("b.json", {"x": "1"})}
    resources.write("b.yaml", component_yaml("second", "secretstores.local.file", second))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "second" not in app.main_screen.views  # never shown: never listed
        tree = await open_store(pilot, "first")
        assert labels(tree.root) == ["api", "db: (2)"]
        # Listing read no value; focusing the tree puts the cursor on "api", whose value the detail
        # pane may already be reading (a race the old `== []` lost about half the time under load).
        assert set(MemoryStore.reads) <= {"api"}
        db = tree.root.children[1]
        assert len(db.children) == 0  # a group's nodes are built when it is opened
        db.expand()
        await settle(pilot)
        assert labels(db) == ["password", "user"]
        await cursor_to(pilot, tree, "db:user")
        assert MemoryStore.reads[-1] == "db:user"
        assert "second" not in app.main_screen.views


async def test_a_hierarchical_store_lists_a_folder_only_when_it_is_expanded(resources):
    FolderStore.tree = {"": ["team/", "top"], "team/": ["team/db", "team/deep/"], "team/deep/": ["team/deep/x"]}
    resources.write("v.yaml", component_yaml("vaultish", "secretstores.test.folders"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "vaultish")
        assert FolderStore.listed == [""]
        assert labels(tree.root) == ["team/", "top"]
        tree.root.children[0].expand()
        await settle(pilot)
        assert FolderStore.listed == ["", "team/"]
        assert labels(tree.root.children[0]) == ["db", "deep/"]


async def test_names_appear_page_by_page_behind_a_loading_placeholder(resources):
    MemoryStore.page_size = 2
    MemoryStore.secrets = {f"s{i}": {f"s{i}": "v"} for i in range(5)}
    resources.write("g.yaml", component_yaml("slow", "secretstores.test.gated"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("slow")
        await wait_for(pilot, lambda: "slow" in app.main_screen.views and app.main_screen.views["slow"].secret_tree is not None
                       and len(app.main_screen.views["slow"].secret_tree.root.children) >= 3, what="first page")
        tree = tree_of(app, "slow")
        shown = labels(tree.root)
        assert shown[:2] == ["s0", "s1"]
        assert shown[-1].startswith("⋯ loading names… 2 so far")
        assert tree.root.children[-1].data.kind == NodeKind.STATUS
        GatedStore.gate.set()
        await wait_for(pilot, lambda: app.main_screen.views["slow"].listed, what="listing done")
        await settle(pilot)
        assert labels(tree.root) == ["s0", "s1", "s2", "s3", "s4"]


async def test_a_failing_store_shows_its_error_in_place_and_nothing_else_is_affected(resources):
    MemoryStore.secrets = {"fine": {"fine": "v"}}
    resources.write("a.yaml", component_yaml("down", "secretstores.test.down"))
    resources.write("b.yaml", component_yaml("broken", "secretstores.local.file", {"secretsFile": "missing.json"}))
    resources.write("c.yaml", component_yaml("healthy", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The store that cannot open: error in a notification, with daprd's message and a hint.
        opened = [m for m in notifications(app) if "broken failed to open" in m]
        assert opened and "missing.json" in opened[0] and "hint:" in opened[0]
        # ... and in place when shown, with the hint.
        app.query_one(Sidebar).highlight_component("broken")
        await settle(pilot)
        status = str(app.main_screen.views["broken"].query_one("#store-status").render())
        assert "error" in status and "missing.json" in status and "hint:" in status
        # The store that opens but cannot list: error in place of the names, and a notification.
        app.query_one(Sidebar).highlight_component("down")
        await wait_for(pilot, lambda: app.main_screen.views["down"].listed, what="down listed")
        await settle(pilot)
        assert "could not list names: dial tcp" in labels(tree_of(app, "down").root)[-1]
        assert any("down: could not list names" in m and "hint: check that the server" in m for m in notifications(app))
        # The healthy store is untouched.
        tree = await open_store(pilot, "healthy")
        assert labels(tree.root) == ["fine"]
        sidebar = app.query_one(Sidebar)
        prompts = {opt.prompt.plain.split()[1]: opt.prompt.plain.split()[0] for opt in sidebar.options if opt.id}
        assert prompts == {"down": "✗", "broken": "✗", "healthy": "●"}  # down opened, but listing failed: not ready


# ----- values


async def revealed_app_setup(resources, **settings):
    MemoryStore.secrets = {
        "db:password": {"db:password": "hunter2-value"},
        "db:user": {"db:user": "admin-value"},
        "multi": {"username": "multi-user-value", "password": "multi-pass-value"},
    }
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory", {"separator": ":"}))
    native = FakeNativeClipboard()
    return make_app(resources.runtime(), native, **settings), native


async def test_reveal_shows_the_value_and_it_re_masks_when_the_cursor_moves(resources):
    app, _ = await revealed_app_setup(resources)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        assert "hunter2-value" not in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert "hunter2-value" in screen_text(app)
        await pilot.press("down")  # to db:user
        await pilot.pause(0.2)
        await settle(pilot)
        text = screen_text(app)
        assert "hunter2-value" not in text and "admin-value" not in text
        await pilot.press("x")
        await pilot.pause()
        assert "admin-value" in screen_text(app)
        await pilot.press("x")  # x again hides
        await pilot.pause()
        assert "admin-value" not in screen_text(app)


async def test_a_revealed_value_re_masks_after_the_reveal_timeout(resources):
    app, _ = await revealed_app_setup(resources, reveal_timeout=0.3)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("x")
        await pilot.pause()
        assert "hunter2-value" in screen_text(app)
        await asyncio.sleep(0.5)
        await pilot.pause()
        assert "hunter2-value" not in screen_text(app)
        assert app.query_one(DetailPane).revealed == set()


async def test_reveal_on_a_key_node_reveals_only_that_key(resources):
    app, _ = await revealed_app_setup(resources)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "multi")
        tree.cursor_node.expand()
        await settle(pilot)
        assert labels(tree.cursor_node) == ["password", "username"]
        await cursor_to(pilot, tree, "multi", "username")
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(app)
        assert "multi-user-value" in text and "multi-pass-value" not in text
        await pilot.press("up")  # back to the secret node: the key's value re-masks
        await pilot.pause(0.2)
        assert "multi-user-value" not in screen_text(app)


async def test_no_reveal_refuses_to_show_values_but_copy_still_works(resources):
    app, native = await revealed_app_setup(resources, no_reveal=True)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("x")
        await pilot.pause()
        assert "hunter2-value" not in screen_text(app)
        assert any("--no-reveal" in m for m in notifications(app))
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "hunter2-value" and native.content == "hunter2-value"


async def test_copy_puts_the_value_on_the_clipboard_without_revealing_or_notifying_it(resources):
    app, native = await revealed_app_setup(resources)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "hunter2-value"
        assert native.content == "hunter2-value"
        assert "hunter2-value" not in screen_text(app)
        assert app.query_one(DetailPane).revealed == set()  # copy never changes the mask
        copied = [m for m in notifications(app) if m.startswith("Copied")]
        assert copied and "mem/db:password" in copied[0] and "OSC 52, cannot be confirmed + native clipboard" in copied[0]
        assert all("hunter2" not in m for m in notifications(app))


async def test_copy_of_a_multi_key_secret_copies_daprs_json_map(resources):
    app, _ = await revealed_app_setup(resources)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "multi")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == '{"password":"multi-pass-value","username":"multi-user-value"}'


async def test_copy_works_without_a_native_clipboard_and_says_so(resources):
    MemoryStore.secrets = {"k": {"k": "only-osc52-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime(), FakeNativeClipboard(works=False))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "k")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "only-osc52-value"
        message = next(m for m in notifications(app) if m.startswith("Copied"))
        assert "(OSC 52, cannot be confirmed)" in message and "native clipboard: no clipboard program" in message
        assert "only-osc52-value" not in message


async def test_the_clipboard_is_cleared_after_the_timeout_if_it_still_holds_our_value(resources):
    app, native = await revealed_app_setup(resources, clipboard_timeout=0.3)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("c")
        await pilot.pause()
        assert native.content == app.clipboard == "hunter2-value"
        await asyncio.sleep(0.5)
        await pilot.pause()
        assert app.clipboard == "" and native.content == ""


async def test_the_native_clipboard_is_left_alone_when_the_user_copied_something_else(resources):
    app, native = await revealed_app_setup(resources, clipboard_timeout=0.3)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("c")
        await pilot.pause()
        native.content = "something the user copied elsewhere"
        await asyncio.sleep(0.5)
        await pilot.pause()
        assert native.content == "something the user copied elsewhere"
        assert app.clipboard == ""  # App.clipboard is ours: always wiped


async def test_each_copy_restarts_the_clearing_timer(resources):
    app, native = await revealed_app_setup(resources, clipboard_timeout=0.5)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("c")
        await asyncio.sleep(0.3)
        await cursor_to(pilot, tree, "db:user")
        await pilot.press("c")
        await asyncio.sleep(0.35)  # 0.65 s after the first copy, 0.35 s after the second
        await pilot.pause()
        assert app.clipboard == "admin-value" and native.content == "admin-value"
        await asyncio.sleep(0.4)
        await pilot.pause()
        assert app.clipboard == "" and native.content == ""


async def test_quitting_clears_a_pending_clipboard_value(resources):
    app, native = await revealed_app_setup(resources)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("c")
        await pilot.pause()
        assert native.content == "hunter2-value"
        await pilot.press("q")
    assert native.content == "" and app.clipboard == ""


async def test_multiline_json_and_binary_values_display_sensibly_once_revealed(resources):
    binary = bytes([0x00, 0x01, 0xFF, 0x41]).decode("utf-8", "surrogateescape")
    MemoryStore.secrets = {
        "pem": {"pem": "-----BEGIN TEST-----\nline-two-value\n-----END TEST-----"},
        "json": {"json": '{"region":"json-region-value","retries":3}'},
        "bin": {"bin": binary},
    }
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "json")
        assert "json-region-value" not in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        revealed = str(app.query_one("#revealed").render())
        assert '"region": "json-region-value",\n  "retries": 3' in revealed  # pretty, after reveal
        await cursor_to(pilot, tree, "pem")
        await pilot.press("x")
        await pilot.pause()
        assert "line-two-value" in str(app.query_one("#revealed").render())
        await cursor_to(pilot, tree, "bin")
        await pilot.press("x")
        await pilot.pause()
        shown = str(app.query_one("#revealed").render())
        assert "00000000  00 01 ff 41" in shown and "\ufffd" not in shown


async def test_control_characters_in_names_and_values_are_escaped_on_screen(resources):
    MemoryStore.secrets = {"evil\x1b[31mname": {"evil\x1b[31mname": "val\x1b]52;c;QUFB\x07ue"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        assert labels(tree.root) == ["evil\\e[31mname"]
        await cursor_to(pilot, tree, "evil\x1b[31mname")
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(app)
        assert "val\\e]52;c;QUFB\\x07ue" in text and "\x1b" not in text and "\x07" not in text


async def test_secret_scopes_show_whether_the_app_may_read_each_secret(resources):
    MemoryStore.secrets = {"open": {"open": "v"}, "closed": {"closed": "v"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    config = resources.root / "config.yaml"
    config.write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  secrets:\n    scopes:\n"
        "    - storeName: mem\n      allowedSecrets: [open]\n"
    )
    app = make_app(resources.runtime(config_files=(str(config),), app_id="orders"))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        assert labels(tree.root) == ["closed  ⊘ API denied", "open"]
        await cursor_to(pilot, tree, "closed")
        info = str(app.query_one("#detail-info").render())
        assert "Dapr API for orders: denied (403)" in info and "allowedSecrets" in info
        await cursor_to(pilot, tree, "open")
        assert "Dapr API for orders: allowed" in str(app.query_one("#detail-info").render())


async def test_the_detail_pane_shows_what_the_store_says_without_the_value(resources):
    MemoryStore.secrets = {"db": {"db": "detail-secret-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db")
        info = str(app.query_one("#detail-info").render())
        assert "owner team-demo" in info and "versions: 2 (current), 1" in info
        assert "note: a note from the store" in info
        assert "GET http://localhost:3500/v1.0/secrets/mem/db" in info
        assert "detail-secret-value" not in screen_text(app)


# ----- navigation


def two_stores(resources):
    resources.file_store("files", {"db": {"password": "p1", "user": "u1"}, "cache": {"password": "p2"}})
    MemoryStore.secrets = {"PASSWORD_FILE": {"PASSWORD_FILE": "x"}, "other": {"other": "y"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))


async def test_slash_filters_the_names_of_every_loaded_store_and_enter_jumps(resources):
    two_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "files")
        await open_store(pilot, "mem")
        await pilot.press("slash")
        await pilot.press(*"passw")
        await pilot.pause()
        results = app.query_one("#filter-results")
        shown = [option.prompt.plain for option in results.options]
        assert shown == ["files  db:password", "files  cache:password", "mem  PASSWORD_FILE"]
        await pilot.press("down", "down", "enter")  # into the list, second match
        await settle(pilot)
        assert app.main_screen.current == "files"
        assert tree_of(app, "files").cursor_node.data.path == "cache:password"
        assert app.query_one("#filter").display is False


async def test_escape_closes_the_filter_and_returns_to_the_tree(resources):
    two_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        await pilot.press("slash", "x")
        await pilot.pause()
        assert app.query_one("#filter").display
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one("#filter").display and app.focused is tree


async def test_the_palette_jumps_to_a_secret_of_any_loaded_store(resources):
    two_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "mem")
        await open_store(pilot, "files")
        await pilot.press("ctrl+p")
        await pilot.press(*"_FI")  # only PASSWORD_FILE has "_", "F", "I" in this order
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.current == "mem"
        assert tree_of(app, "mem").cursor_node.data.path == "PASSWORD_FILE"


async def test_the_palette_jumps_to_a_component(resources):
    two_stores(resources)
    resources.write("z.yaml", component_yaml("orders-state", "state.redis", {"redisHost": "localhost"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"ord")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.current == "orders-state"
        assert app.query_one(Sidebar).highlighted_component == "orders-state"


async def test_the_palette_copies_a_secret_key_ref_snippet_and_the_api_url(resources):
    two_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("ctrl+p", *"keyref")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert "secretKeyRef:\n    name: \"db:password\"\n    key: \"db:password\"" in app.clipboard
        assert "#   secretStore: files" in app.clipboard
        await pilot.press("ctrl+p", *"URL")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.clipboard == "http://localhost:3500/v1.0/secrets/files/db%3Apassword"


async def test_the_screenshot_command_is_not_offered(resources):
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert "Screenshot" not in titles and "Quit" in titles


async def test_refresh_keeps_expanded_nodes_and_the_cursor_and_shows_new_names(resources):
    two_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        await cursor_to(pilot, tree, "db:user")
        db = tree.cursor_node.parent
        resources.secrets_file("files.json", {"db": {"password": "p1", "user": "u1", "host": "h"}, "cache": {"password": "p2"}})
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main_screen.views["files"].listed and not app.main_screen.views["files"].listing and
                       len(db.children) == 3, what="refreshed listing")
        await settle(pilot)
        assert tree_of(app, "files") is tree
        assert db.is_expanded and labels(db) == ["host", "password", "user"]
        assert tree.cursor_node.data.path == "db:user"


async def test_j_and_k_move_and_tab_moves_between_panes(resources):
    two_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        tree.move_cursor(tree.root.children[0])
        await pilot.press("j")
        assert tree.cursor_line == 1
        await pilot.press("k")
        assert tree.cursor_line == 0
        await pilot.press("tab")
        assert app.focused is not tree


async def test_the_mouse_selects_a_component(resources):
    two_stores(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        row = sidebar.get_option_index(sidebar._ids["mem"])
        await pilot.click(Sidebar, offset=(5, row + 1))  # +1: the border
        await settle(pilot)
        assert app.main_screen.current == "mem"


# ----- references, components, doctor


def referenced_setup(resources):
    resources.file_store("files", {"redis": {"password": "ref-value-1", "port": 6379}, "webhook": {"token": "t"}})
    resources.write("state.yaml", component_yaml(
        "orders-state", "state.redis",
        {"redisHost": "localhost:6379", "redisPassword": {"secretKeyRef": {"name": "redis:password", "key": "redis:password"}}},
        auth="files",
    ))
    resources.write("hook.yaml", component_yaml(
        "legacy-hook", "bindings.http",
        {"securityToken": {"secretKeyRef": {"name": "redis:password", "key": "nope"}}},
        auth="files",
    ))


async def test_referenced_by_lists_each_reference_with_its_status_and_enter_jumps(resources):
    referenced_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        await cursor_to(pilot, tree, "redis:password")
        refs = app.query_one(ReferencesPane)
        await wait_for(pilot, lambda: None not in refs.statuses, what="references checked")
        await pilot.pause()
        rows = [option.prompt.plain for option in refs.options]
        assert rows == [  # in loader order: hook.yaml, state.yaml
            "✗ key-not-found  legacy-hook\n  securityToken  key nope\n  secret 'redis:password' has no key 'nope' "
            "(its keys: 'redis:password')\n  hint: add key 'nope' to secret 'redis:password', or set secretKeyRef.key "
            "to one of its keys (empty means: same as the name)",
            "✓ ok  orders-state\n  redisPassword  key redis:password",
        ]
        refs.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.current == "legacy-hook"
        assert app.query_one(Sidebar).highlighted_component == "legacy-hook"


async def test_a_component_shows_its_metadata_and_reference_status_and_enter_jumps_to_the_secret(resources):
    referenced_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.jump_to_component("orders-state")
        await settle(pilot)
        table = app.main_screen.views["orders-state"].query_one("#metadata")
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][:2] == ["redisHost", "localhost:6379"]
        assert rows[1][:3] == ["redisPassword", "secretKeyRef files/redis:password[redis:password]", "✓ ok"]
        assert "ref-value-1" not in screen_text(app)
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.main_screen.current == "files"
        assert tree_of(app, "files").cursor_node.data.path == "redis:password"


async def test_plain_values_of_password_like_fields_are_masked_in_the_component_view(resources):
    resources.write("s.yaml", component_yaml("cache", "state.redis", {"redisHost": "h:1", "redisPassword": "plain-pw-value"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.jump_to_component("cache")
        await settle(pilot)
        text = screen_text(app)
        assert "h:1" in text and "plain-pw-value" not in text
        assert "redisPassword: plain value in the component file: doctor suggests secretKeyRef" in text


async def test_doctor_lists_the_problems_and_enter_jumps_to_the_component(resources):
    referenced_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        from dapr_secrets.tui.screens.doctor import DoctorScreen

        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        codes = [d.code for d in screen.diagnostics]
        assert "ref-key-not-found" in codes
        row = codes.index("ref-key-not-found")
        table = screen.query_one("#diagnostics")
        table.move_cursor(row=row)
        await pilot.pause()
        assert "hint:" in str(screen.query_one("#doctor-hint").render())
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, DoctorScreen)
        # The diagnostic names a secret of a store: the jump lands on that secret.
        diagnostic = screen.diagnostics[row]
        assert diagnostic.component == "legacy-hook" and diagnostic.secret == "redis:password"
        assert app.main_screen.current == "legacy-hook"


async def test_doctor_jumps_to_the_secret_a_store_problem_is_about(resources):
    referenced_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        row = next(i for i, d in enumerate(screen.diagnostics) if d.component == "files" and d.secret == "redis:port")
        screen.query_one("#diagnostics").move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.current == "files"
        assert tree_of(app, "files").cursor_node.data.path == "redis:port"


async def test_help_lists_every_key(resources):
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for _ in range(4):  # the help scrolls when it is longer than the terminal (the legend is below the keys)
            await pilot.press("pagedown")
            await pilot.pause()
            text += screen_text(app)
        for key in ("x", "c", "/", "ctrl+p", "ctrl+r", "d", "tab", "j / k", "q"):
            assert key in text
        await pilot.press("escape")
        await pilot.pause()
        assert "ctrl+r" not in screen_text(app)


# ----- nothing leaks


CANARY = "CANARY-c4n4ry-value"


async def test_a_value_never_reaches_the_screen_notifications_workers_or_logs_unless_revealed(resources, capsys, caplog):
    caplog.set_level("DEBUG")
    MemoryStore.secrets = {"target": {"target": CANARY}, "neighbour": {"neighbour": "n"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    resources.write("user.yaml", component_yaml("user", "state.redis", {"redisPassword": {"secretKeyRef": {"name": "target"}}}, auth="mem"))
    app = make_app(resources.runtime(), FakeNativeClipboard())
    seen_workers: list[str] = []

    def check(step: str) -> None:
        seen_workers.extend(f"{w.name} {w.description}" for w in app.workers)
        places = {
            "screen": screen_text(app),
            "notifications": "\n".join(notifications(app)),
            "workers": "\n".join(seen_workers),
        }
        for place, text in places.items():
            assert CANARY not in text, f"value leaked to the {place} at step {step!r}"

    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        check("listed")
        await cursor_to(pilot, tree, "target")
        check("highlighted")
        tree.cursor_node.expand()
        await settle(pilot)
        check("keys shown")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == CANARY
        check("copied")
        app.query_one("#refs").focus()
        await pilot.pause()
        check("references")
        await pilot.press("ctrl+p", *"targ")
        await pilot.pause(0.3)
        check("palette")
        await pilot.press("escape", "slash", *"targ")
        await pilot.pause()
        check("filter")
        await pilot.press("escape", "d")
        await settle(pilot)
        check("doctor")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        check("help")
        await pilot.press("escape")
        app.main_screen.jump_to_component("user")
        await settle(pilot)
        check("component view")
        await app.main_screen.jump_to_secret("mem", "target")
        await pilot.pause(0.2)
        await settle(pilot)
        check("jumped back")
        await pilot.press("x")
        await pilot.pause()
        assert CANARY in screen_text(app)  # the check above can see it when it is there
    captured = capsys.readouterr()
    assert CANARY not in captured.out + captured.err
    assert CANARY not in caplog.text


async def test_v_reads_an_older_version_and_the_api_url_and_copy_follow_it(resources):
    MemoryStore.secrets = {"db": {"db": "versioned-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db")
        detail = app.query_one(DetailPane)
        await pilot.press("v")  # versions "2" (current) and "1": the older one is "1"
        await wait_for(pilot, lambda: detail.values is not None and detail.version == "1", what="version 1 read")
        info = str(app.query_one("#detail-info").render())
        assert "showing version 1" in info and "GET http://localhost:3500/v1.0/secrets/mem/db?metadata.version_id=1" in info
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "versioned-value-v1"
        await pilot.press("v")  # back to the current version
        await wait_for(pilot, lambda: detail.values is not None and detail.version is None, what="current read")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "versioned-value"


async def test_a_large_flat_store_is_shown_in_buckets_so_no_level_holds_thousands_of_nodes(resources):
    MemoryStore.secrets = {f"secret-{i:05d}": {f"secret-{i:05d}": "v"} for i in range(5000)}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        assert labels(tree.root) == [f"secret-0{i}… ({1000:,})" for i in range(5)]
        bucket = tree.root.children[2]
        bucket.expand()
        await settle(pilot)
        assert len(bucket.children) == 1000 and labels(bucket)[0] == "secret-02000"  # at the limit: no more buckets
        await tree.select_secret("secret-02345")
        assert tree.cursor_node.data.path == "secret-02345"
        assert max(len(node.children) for node in [tree.root, *tree.open_levels(tree.root)]) <= 1000
