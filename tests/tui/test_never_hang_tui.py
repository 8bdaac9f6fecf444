"""Issue #13, never hang (TUI side): a store that opened but could not list its names is not shown
as ready."""

from __future__ import annotations

from dapr_secrets.backends.vault.store import VaultStore
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.fakes.vault_fault import VaultFault
from tests.helpers.tui import SIZE, component_yaml, make_app, wait_for
from tests.tui.stores import MemoryStore


def sidebar_line(app, name: str) -> str:
    sidebar = app.query_one(Sidebar)
    return str(sidebar.get_option(sidebar._ids[name]).prompt)


async def test_a_store_whose_listing_failed_loses_the_ready_mark(resources):
    """Was: ● (ready) next to a store whose every listing failed."""
    MemoryStore.secrets = {"db": {"k": "v"}}
    resources.write("d.yaml", component_yaml("down", "secretstores.test.down"))
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        for name in ("down", "mem"):
            app.query_one(Sidebar).highlight_component(name)
            views = app.main_screen.views
            await wait_for(pilot, lambda name=name, views=views: name in views and views[name].listed, what=f"{name} listed")
        await pilot.pause()
        assert sidebar_line(app, "mem").startswith(" ● mem")
        assert sidebar_line(app, "down").startswith(" ✗ down")  # the error mark, not ●


async def test_the_app_asks_every_store_at_once(resources, monkeypatch):
    """Was: at most six at a time (asyncio's default thread pool on two cores), so ten components
    behind a dead store cost two timeouts before the last one showed its status."""
    monkeypatch.setattr(VaultStore, "timeout", 3600)  # no call ends by itself
    with VaultFault({}, delay=60) as vault:
        metadata = {"vaultAddr": vault.url, "vaultToken": "root"}
        resources.write("vault.yaml", component_yaml("vault", "secretstores.hashicorp.vault", metadata))
        for index in range(10):
            ref = {"secretKeyRef": {"name": f"db{index}", "key": "password"}}
            resources.write(f"state{index}.yaml", component_yaml(f"state{index}", "state.redis", {"redisPassword": ref}, auth="vault"))
        app = make_app(resources.runtime())
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: vault.max_in_flight >= 10, timeout=20, what="ten calls in flight together")
