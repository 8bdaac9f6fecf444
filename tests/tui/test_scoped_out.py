"""Nothing vanishes (issue #14): components whose scopes leave the app out stay visible, greyed, with
"scoped to billing", in the sidebar, the "Referenced by" pane and the component view; the domain keeps
them with their scopes, and daprd still does not load them (the runtime never opens them)."""

from __future__ import annotations

from dapr_secrets.backends.runtime import State
from dapr_secrets.tui.widgets.component_view import ComponentView
from dapr_secrets.tui.widgets.references import ReferencesPane
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import SIZE, component_yaml, cursor_to, make_app, open_store, screen_text, settle, wait_for

REF = {"redisPassword": {"secretKeyRef": {"name": "redis:password", "key": "redis:password"}}}


def shared_secret_setup(resources):
    resources.file_store("files", {"redis": {"password": "shared-value-1"}})
    resources.write("orders.yaml", component_yaml("orders-db", "state.redis", REF, auth="files", extra="scopes: [orders]\n"))
    resources.write("billing.yaml", component_yaml("billing-db", "state.redis", REF, auth="files", extra="scopes: [billing, audit]\n"))


def test_scoped_out_components_are_kept_with_their_scopes_and_never_opened(resources):
    """dapr:pkg/internal/loader/disk/disk.go (via pkg/apis/common/scoped.go IsAppScoped) drops a
    component whose scopes leave the app out: the runtime still does not load it, but keeps it to show."""
    shared_secret_setup(resources)
    runtime = resources.runtime(app_id="orders")
    assert [c.name for c in runtime.components] == ["files", "orders-db"]
    [billing] = runtime.scoped_out_components()
    assert (billing.name, billing.scopes) == ("billing-db", ("billing", "audit"))
    runtime.start()
    status = runtime.status("billing-db")
    assert status.state == State.SCOPED_OUT
    assert status.message == "scoped to billing, audit: daprd for app orders does not load it"
    assert runtime.open("billing-db").state == State.SCOPED_OUT and runtime.store("billing-db") is None
    assert [r.component for r in runtime.references_to("files", "redis:password")] == ["orders-db"]  # doctor, refs: loaded only
    assert [r.component for r in runtime.scoped_out_references_to("files", "redis:password")] == ["billing-db"]


def test_without_an_app_id_nothing_is_scoped_out(resources):
    shared_secret_setup(resources)
    runtime = resources.runtime()
    assert runtime.scoped_out_components() == [] and len(runtime.components) == 3


async def test_the_sidebar_lists_other_apps_components_greyed_with_their_scope(resources):
    shared_secret_setup(resources)
    app = make_app(resources.runtime(app_id="orders"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        prompts = [option.prompt for option in sidebar.options if option.id]
        billing = next(p for p in prompts if "billing-db" in p.plain)
        assert billing.plain == " – billing-db  scoped to billing, audit"
        assert "dim" in str(billing.style)
        orders = next(p for p in prompts if "orders-db" in p.plain)
        assert "scoped" not in orders.plain


async def test_the_component_view_of_a_scoped_out_component_says_daprd_does_not_load_it(resources):
    shared_secret_setup(resources)
    app = make_app(resources.runtime(app_id="orders"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.jump_to_component("billing-db")
        await settle(pilot)
        assert app.main_screen.current == "billing-db"
        assert isinstance(app.main_screen.views["billing-db"], ComponentView)
        text = str(app.main_screen.views["billing-db"].query_one("#component-status").render())
        assert "not loaded for this app: scoped to billing, audit: daprd for app orders does not load it" in text
        assert "hint: add orders to its scopes if this app should use it" in text
        assert "billing-db  state.redis" in screen_text(app)  # its title, as for any component


async def test_referenced_by_shows_every_app_that_uses_the_secret(resources):
    """Rotating a shared secret must show every app that uses it."""
    shared_secret_setup(resources)
    app = make_app(resources.runtime(app_id="orders"))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        await cursor_to(pilot, tree, "redis:password")
        refs = app.query_one(ReferencesPane)
        await wait_for(pilot, lambda: None not in refs.statuses, what="references checked")
        await pilot.pause()
        rows = [option.prompt.plain for option in refs.options]
        assert rows == [
            "✓ ok  orders-db\n  redisPassword  key redis:password",
            "– other app  billing-db\n  redisPassword  key redis:password\n"
            "  scoped to billing, audit: daprd for app orders does not load it",
        ]
        refs.focus()
        refs.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.current == "billing-db" and app.query_one(Sidebar).highlighted_component == "billing-db"


async def test_store_users_include_other_apps_components(resources):
    shared_secret_setup(resources)
    app = make_app(resources.runtime(app_id="orders"))
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "files")
        await settle(pilot)
        refs = app.query_one(ReferencesPane)
        refs.show_store_users("files")
        await pilot.pause()
        rows = [option.prompt.plain for option in refs.options]
        assert "billing-db  state.redis\n  scoped to billing, audit: not loaded for this app" in rows


async def test_the_doctors_scoped_out_note_jumps_to_the_greyed_component(resources):
    shared_secret_setup(resources)
    app = make_app(resources.runtime(app_id="orders"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        row = next(i for i, d in enumerate(screen.diagnostics) if d.code == "scoped-out")
        screen.query_one("#diagnostics").move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not screen and app.main_screen.current == "billing-db"
