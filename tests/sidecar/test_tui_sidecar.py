"""The terminal UI attached to a running sidecar (issue #18): its components in the sidebar, its
stores listed through its bulk answer (values dropped), one secret read by GET when opened, and
the sidecar's own 403 shown for a secret its scopes deny. Values stay masked until revealed."""

from __future__ import annotations

from dapr_secrets.backends.runtime import RuntimeOptions
from dapr_secrets.backends.sidecar import SidecarClient, SidecarRuntime
from tests.fakes.daprd_server import FakeDaprd
from tests.helpers.tui import SIZE, cursor_to, detail_info, make_app, notifications, open_store, screen_text, settle, wait_for

VALUE = "sidecar-value-7c2e"


def sidecar() -> FakeDaprd:
    return FakeDaprd(
        components={"vault": ("secretstores.hashicorp.vault", "v1", ()), "cache": ("state.redis", "v1", ("ETAG",))},
        secrets={"vault": {"db-password": {"db-password": VALUE}, "blocked": {"blocked": "x"}}},
        token="tok",
    )


async def test_the_ui_browses_a_sidecars_stores_without_showing_values():
    with sidecar() as daprd:
        runtime = SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url, "tok"))
        app = make_app(runtime)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "sidecar" in text and "vault" in text and "cache" in text
            tree = await open_store(pilot, "vault")
            bulk_reads = [path for path, _, _ in daprd.requests if path.endswith("/bulk")]
            assert bulk_reads == ["/v1.0/secrets/vault/bulk"]
            await cursor_to(pilot, tree, "db-password")
            assert VALUE not in screen_text(app)
            await pilot.press("x")
            await pilot.pause()
            assert VALUE in screen_text(app)  # revealed on purpose
            await pilot.press("x")
            await pilot.pause()
            assert VALUE not in screen_text(app)
            assert all(VALUE not in message for message in notifications(app))
            # the sidecar's scopes deny this one: its own 403 body is shown
            daprd.denied["vault"] = {"blocked"}
            await cursor_to(pilot, tree, "blocked")
            await wait_for(pilot, lambda: "ERR_PERMISSION_DENIED" in detail_info(app) or "ERR_PERMISSION_DENIED" in screen_text(app),
                           what="403 shown")


async def test_the_prediction_vs_sidecar_screen_lists_the_planted_differences(tmp_path):
    from dapr_secrets.tui.screens.drift import DriftScreen
    from tests.helpers.sidecar import CANARY, fake_sidecar, write_files

    components = write_files(tmp_path)
    options = RuntimeOptions(resources_paths=(str(components),), config_files=(str(tmp_path / "config.yaml"),), app_id="orders", env={})
    with fake_sidecar() as daprd:
        app = make_app(SidecarRuntime(options, SidecarClient(daprd.url)))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.main_screen.can("drift")
            app.action_drift()
            await wait_for(pilot, lambda: isinstance(app.screen, DriftScreen) and app.screen.rows, what="drift rows")
            text = screen_text(app)
            assert "value-differs" in text and "files/api-key" in text and "type-differs" in text
            assert CANARY not in text and "files-key" not in text
            screen = app.screen
            index = next(i for i, r in enumerate(screen.rows) if r.kind == "value-differs")
            table = screen.query_one("#drift-rows")
            table.move_cursor(row=index)
            await pilot.press("enter")
            await wait_for(pilot, lambda: not isinstance(app.screen, DriftScreen), what="jump back")
            await wait_for(pilot, lambda: app.main_screen.current == "files", what="files shown")
    assert options.replace(sidecar_url=None) == app.runtime.prediction_options()


async def test_drift_is_offered_only_with_a_sidecar(tmp_path):
    from tests.helpers.tui import Resources

    app = make_app(Resources(tmp_path).runtime())
    async with app.run_test(size=SIZE):
        assert not app.main_screen.can("drift")
