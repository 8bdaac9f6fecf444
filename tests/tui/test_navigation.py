"""Moving around as k9s / lazygit users expect (issue #14, "Navigation"): back and forward after any
jump, `]` / `[` through the components that use a secret, the "used by N" badge, h / l / g / G /
collapse-all in the tree, the focused pane's title, `z` zoom, and the `y` copy menu."""

from __future__ import annotations

import json

from dapr_secrets.backends.audit import AuditLog
from dapr_secrets.tui.app import DaprSecretsApp, UiSettings
from dapr_secrets.tui.history import History, Place
from dapr_secrets.tui.screens.copy_menu import CopyMenu
from dapr_secrets.tui.used_by import UsedBy
from dapr_secrets.tui.user_config import UserConfig
from dapr_secrets.tui.widgets.component_view import ComponentView, MetadataTable
from dapr_secrets.tui.widgets.references import ReferencesPane
from dapr_secrets.tui.widgets.secret_tree import SecretTree
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import NOW, SIZE, FakeNativeClipboard, component_yaml, cursor_to, make_app, open_store, settle, wait_for

SECRET = "db:primary:password"
VALUE = "nav-canary-7f3a"


def ref(name: str, key: str | None = None) -> dict[str, object]:
    return {"secretKeyRef": {"name": name, "key": key or name}}


def shared_setup(resources):
    """A nested local.file store and four components; three of them (one scoped to another app)
    read the same secret."""
    resources.file_store("shop", {"db": {"primary": {"password": VALUE}, "replica": {"password": "r"}}, "api": {"token": "t"},
                                  "weird name/x": "w"})
    resources.write("orders.yaml", component_yaml("orders", "state.redis", {"host": "localhost", "redisPassword": ref(SECRET)},
                                                  auth="shop"))
    resources.write("billing.yaml", component_yaml("billing", "pubsub.redis", {"redisPassword": ref(SECRET)}, auth="shop"))
    resources.write("hook.yaml", component_yaml("hook", "bindings.http", {"token": ref("api:token")}, auth="shop"))
    resources.write("reports.yaml", component_yaml("reports", "state.redis", {"redisPassword": ref(SECRET)}, auth="shop",
                                                   extra="scopes: [reports-app]\n"))
    return resources.runtime(app_id="checkout")


def current(app):
    return app.main_screen.current


def metadata_row(app, component: str) -> str:
    view = app.main_screen.views[component]
    assert isinstance(view, ComponentView)
    table = view.query_one(MetadataTable)
    return view.component.metadata[table.cursor_row].name


def tree_cursor(app) -> str | None:
    tree = app.main_screen.current_tree()
    node = tree.cursor_node if tree is not None else None
    return node.data.path if node is not None and node.data is not None else None


# ----- the history itself


def test_history_goes_back_and_forward_and_a_new_jump_drops_what_was_ahead():
    history = History()
    a, b, c, d = (Place(name) for name in "abcd")
    history.record(a)  # a -> b
    history.record(b)  # b -> c
    assert history.back(c) == b
    assert history.back(b) == a
    assert not history.can_go_back
    assert history.forward(a) == b
    history.record(b)  # a new jump from b: c is no longer ahead
    assert not history.can_go_forward
    assert history.back(d) == b


def test_history_keeps_a_bounded_number_of_places_and_no_doubles():
    history = History(limit=3)
    for name in "aabcde":
        history.record(Place(name))
    places = [history.back(None) for _ in range(4)]
    assert places == [Place("e"), Place("d"), Place("c"), None]


def test_used_by_counts_components_including_other_apps_ones_once(resources):
    used_by = UsedBy(shared_setup(resources))
    assert used_by.count("shop", SECRET) == 3  # orders, billing and reports (scoped to reports-app)
    assert used_by.count("shop", "api:token") == 1
    assert used_by.count("shop", "db:replica:password") == 0
    assert [r.component for r in used_by.references("shop", SECRET)] == ["billing", "orders", "reports"]
    assert used_by.badge("shop", "db:replica:password") is None


# ----- the badge


async def test_secrets_in_the_tree_say_how_many_components_use_them(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await tree.select_secret(SECRET)
        await settle(pilot)
        assert "used by 3" in tree.cursor_node.label.plain
        await tree.select_secret("db:replica:password")
        await settle(pilot)
        assert "used by" not in tree.cursor_node.label.plain


async def test_the_badge_follows_the_files_after_a_refresh(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await tree.select_secret("api:token")
        await settle(pilot)
        assert "used by 1" in tree.cursor_node.label.plain
        resources.write("cron.yaml", component_yaml("cron", "bindings.cron", {"token": ref("api:token")}, auth="shop"))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "used by 2" in tree.cursor_node.label.plain, what="the new count")


# ----- ] / [ and back / forward


async def test_brackets_hop_through_every_user_of_a_secret_and_escape_returns_to_it(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert current(app) == "billing" and metadata_row(app, "billing") == "redisPassword"
        assert isinstance(app.focused, MetadataTable)  # the row is highlighted in a focused table
        billing = app.main_screen.views["billing"]
        assert str(billing.border_subtitle).startswith(f"user 1 of 3 of shop/{SECRET}")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert current(app) == "orders" and metadata_row(app, "orders") == "redisPassword"  # row 2, not the first
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert current(app) == "reports"  # another app's component too: nothing vanishes
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert current(app) == "billing"  # round again
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert current(app) == "reports"
        await pilot.press("escape")  # one key back to the secret, however many users were visited
        await settle(pilot)
        assert current(app) == "shop" and tree_cursor(app) == SECRET
        assert isinstance(app.focused, SecretTree)
        assert not str(app.main_screen.views["reports"].border_subtitle)  # the walk's note left with it
        await pilot.press("right_square_bracket")  # from the secret again: the next user
        await settle(pilot)
        assert current(app) == "billing"


async def test_back_and_forward_after_jumps_from_references_and_components(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        refs = app.query_one(ReferencesPane)
        refs.focus()
        await pilot.pause()
        refs.highlighted = [r.component for r in refs.references].index("orders")
        await pilot.press("enter")  # jump to the component from "Referenced by"
        await settle(pilot)
        assert current(app) == "orders"
        table = app.main_screen.views["orders"].query_one(MetadataTable)
        table.move_cursor(row=1)  # redisPassword: enter jumps to its secret
        assert app.focused is table  # the jump focused the component's table (the pane it came from is hidden)
        await pilot.press("enter")
        await settle(pilot)
        assert current(app) == "shop" and tree_cursor(app) == SECRET
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert current(app) == "orders" and metadata_row(app, "orders") == "redisPassword"  # the row it left
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert current(app) == "shop" and tree_cursor(app) == SECRET
        await pilot.press("tab")  # what most terminals send for ctrl+i: still the next pane, never forward
        await settle(pilot)
        assert current(app) == "shop"
        await pilot.press("alt+right")  # forward where ctrl+i arrives as tab
        await settle(pilot)
        assert current(app) == "orders"
        await pilot.press("ctrl+i")  # where the terminal tells it from tab
        await settle(pilot)
        assert current(app) == "shop"
        await pilot.press("ctrl+i")  # nothing ahead: says so, stays
        await settle(pilot)
        assert current(app) == "shop"


async def test_palette_and_doctor_jumps_can_be_undone(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("hook")
        await settle(pilot)
        await app.palette_host.jump_to_secret("shop", "api:token")  # what a palette hit does
        await settle(pilot)
        assert current(app) == "shop" and tree_cursor(app) == "api:token"
        await pilot.press("escape")
        await settle(pilot)
        assert current(app) == "hook"
        await app.main_screen.jump_to("orders", None)  # the doctor's enter
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert current(app) == "hook"


async def test_escape_keeps_closing_the_filter_and_does_nothing_without_history(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        assert not app.main_screen.check_action("step_back", ())  # no jump yet: escape is not ours
        await pilot.press("escape")
        await settle(pilot)
        assert current(app) == "shop"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("escape")  # the filter's escape first
        await settle(pilot)
        assert not app.main_screen.query_one("#filter").display and current(app) == "billing"
        await pilot.press("escape")  # then back
        await settle(pilot)
        assert current(app) == "shop"


async def test_back_after_a_filter_jump_reopens_the_filter_with_its_query(resources):
    # k9s: esc after entering a match of `/` returns to the filtered list, to pick the next one
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "shop")
        await pilot.press("slash", *"password")
        await settle(pilot)
        await pilot.press("enter")  # the first match
        await settle(pilot)
        field = app.main_screen.query_one("#filter")
        assert not field.display and tree_cursor(app) == "db:primary:password"
        await pilot.press("escape")  # back: the filter again, as it was
        await settle(pilot)
        assert field.display and field.value == "password" and field.has_focus
        await pilot.press("escape")  # then esc closes it, as always
        await settle(pilot)
        assert not field.display and current(app) == "shop"
        await pilot.press("alt+right")  # forward: the match again
        await settle(pilot)
        assert tree_cursor(app) == "db:primary:password"


async def test_a_user_can_rebind_back(resources):
    app = DaprSecretsApp(shared_setup(resources), UiSettings(user=UserConfig(keys={"back": "b"})),
                         native_clipboard=FakeNativeClipboard(works=False), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("ctrl+o")  # rebound: no longer back
        await settle(pilot)
        assert current(app) == "billing"
        await pilot.press("b")
        await settle(pilot)
        assert current(app) == "shop"


async def test_brackets_in_a_component_reached_otherwise_walk_its_secret_key_refs(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("orders")
        await settle(pilot)
        app.main_screen.views["orders"].query_one(MetadataTable).focus()
        await pilot.pause()
        assert metadata_row(app, "orders") == "host"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert current(app) == "orders" and metadata_row(app, "orders") == "redisPassword"


# ----- the tree's keys


async def test_h_l_left_right_g_G_and_collapse_all_in_the_tree(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        tree.cursor_line = 0
        await pilot.pause()
        first = tree.cursor_node
        assert first.label.plain.startswith("api:")
        await pilot.press("l")  # open
        await settle(pilot)
        assert first.is_expanded
        await pilot.press("right")  # open already: to the first child
        await settle(pilot)
        assert tree.cursor_node.data.path == "api:token"  # the secret under the folder
        await pilot.press("left")  # a leaf: to its parent
        await settle(pilot)
        assert tree.cursor_node is first
        await pilot.press("h")  # open: close it
        await settle(pilot)
        assert not first.is_expanded
        await pilot.press("G")
        await settle(pilot)
        assert tree.cursor_line == tree.last_line
        await pilot.press("g")
        await settle(pilot)
        assert tree.cursor_line == 0
        await tree.select_secret("db:primary:password")
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        db = tree.cursor_node
        assert db.label.plain.startswith("db:") and not db.is_expanded
        assert not any(child.is_expanded for child in db.children)  # below too: everything closed


async def test_left_and_h_still_type_in_the_filter(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "shop")
        await pilot.press("slash", "h", "b", "left", "a")
        await settle(pilot)
        assert app.main_screen.query_one("#filter").value == "hab"


async def test_alt_arrows_move_by_word_in_the_filter_instead_of_jumping_away(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        await pilot.press("right_square_bracket")  # a jump: back has somewhere to go
        await settle(pilot)
        await pilot.press("slash", *"db pass", "alt+left", "x", "alt+right", "y")
        await settle(pilot)
        field = app.main_screen.query_one("#filter")
        assert field.display and field.value == "db xpassy"  # word left / right, as in any text field
        assert current(app) == "billing"  # still where the jump landed


# ----- focus and zoom


async def test_the_focused_panes_title_is_reversed_not_only_its_border(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        view, refs = app.main_screen.views["shop"], app.query_one(ReferencesPane)
        assert view.styles.border_title_style.reverse and not refs.styles.border_title_style.reverse
        refs.focus()
        await settle(pilot)
        assert refs.styles.border_title_style.reverse and not view.styles.border_title_style.reverse


async def test_z_zooms_the_focused_pane_and_z_or_escape_restores(resources):
    app = make_app(shared_setup(resources))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        screen = app.main_screen
        sidebar, lower, views = screen.query_one("#sidebar"), screen.query_one("#lower"), screen.query_one("#views")
        full = views.size.width
        await pilot.press("z")
        await settle(pilot)
        assert not sidebar.display and not lower.display and views.size.width > full
        await pilot.press("z")
        await settle(pilot)
        assert sidebar.display and lower.display and views.size.width == full
        refs = app.query_one(ReferencesPane)
        refs.focus()
        narrow = refs.size.width
        await pilot.press("z")
        await settle(pilot)
        assert not sidebar.display and not views.display and not screen.query_one("#detail").display
        assert refs.size.width > 2 * narrow
        await pilot.press("escape")
        await settle(pilot)
        assert sidebar.display and views.display and current(app) == "shop"


# ----- y


def audit_lines(path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_y_menu_copies_value_name_snippet_or_url_and_only_the_value_is_audited(resources, tmp_path):
    native = FakeNativeClipboard()
    audit = tmp_path / "audit.jsonl"
    app = DaprSecretsApp(shared_setup(resources), UiSettings(), native_clipboard=native, audit=AuditLog(audit), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "shop")
        await cursor_to(pilot, tree, SECRET)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("n")
        await settle(pilot)
        assert native.content == SECRET and not audit_lines(audit)
        await pilot.press("y", "s")
        await settle(pilot)
        assert 'name: "db:primary:password"' in native.content and "secretStore: shop" in native.content
        await pilot.press("y", "v")
        await wait_for(pilot, lambda: native.content == VALUE, what="the value copied")
        assert [(line["action"], line["secret"]) for line in audit_lines(audit)] == [("copy", SECRET)]
        await cursor_to(pilot, tree, "weird name/x")
        await pilot.press("y", "u")
        await settle(pilot)
        assert native.content == "http://localhost:3500/v1.0/secrets/shop/weird%20name%2Fx"
        for copied in native.copies:
            assert copied == VALUE or VALUE not in copied  # only the value copy holds the value
        await pilot.press("y", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, CopyMenu) and native.content.endswith("%2Fx")


async def test_y_on_a_plain_value_in_a_component_file_offers_only_the_value(resources):
    native = FakeNativeClipboard()
    resources.write("legacy.yaml", component_yaml("legacy", "bindings.http", {"url": "https://x", "password": "plain-canary-2c"}))
    app = DaprSecretsApp(resources.runtime(), UiSettings(), native_clipboard=native, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("legacy")
        await settle(pilot)
        table = app.main_screen.views["legacy"].query_one(MetadataTable)
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CopyMenu) and [c.action for c in app.screen.choices] == ["copy"]
        await pilot.press("n")  # not offered here: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, CopyMenu) and native.content == ""
        await pilot.press("v")
        await settle(pilot)
        assert native.content == "plain-canary-2c"
