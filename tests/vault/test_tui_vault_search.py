"""Search on a Vault store (issue #14): `/` and the palette find secrets in folders nobody expanded
(every folder is listed in the background, several LISTs at once), say which stores are still being
listed, say so when a folder cannot be listed, and search keys only of secrets already read.
Against the real OpenBao dev server, behind the recording proxy of tests/fakes/vault_fault.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dapr_secrets.tui.widgets.filter import FilterResults
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.vault_fault import VaultFault
from tests.helpers.tui import Resources, component_yaml, make_app, notifications, screen_text, settle, wait_for
from tests.vault.openbao import Bao

pytestmark = pytest.mark.integration

SIZE = (120, 40)
MOUNT = "tui-search"  # a KV v2 mount of its own
SECRETS = {  # no secret at the top: only folders (the title must not say "0 secrets")
    "dapr/team/payments/prod/stripe": {"user": "acct", "password": "search-stripe-value"},
    "dapr/team/payments/dev/stripe": {"password": "search-dev-value"},
    "dapr/team/orders/db": {"password": "search-orders-value"},
    "dapr/ops/pager": {"token": "search-pager-value"},
}
VALUES = [value for data in SECRETS.values() for value in data.values()]


@pytest.fixture(scope="module")
def search_mount(openbao: Bao) -> str:
    client = openbao.client()
    client.sys.enable_secrets_engine("kv", path=MOUNT, options={"version": "2"})
    for path, data in SECRETS.items():
        client.secrets.kv.v2.create_or_update_secret(path, secret=data, mount_point=MOUNT)
    return MOUNT


@pytest.fixture
def proxy(openbao: Bao, search_mount: str) -> Iterator[VaultFault]:
    with VaultFault(upstream=openbao.url) as recording:
        yield recording


def vault_app(tmp_path, vault: VaultFault):
    resources = Resources(tmp_path)
    resources.write("vault.yaml", component_yaml("vault", "secretstores.hashicorp.vault",
                                                 {"vaultAddr": vault.url, "vaultToken": "root", "enginePath": MOUNT}))
    resources.file_store("files", {"team": {"payments": "file-value"}})
    return make_app(resources.runtime())


def results(app) -> list[str]:
    return [option.prompt.plain for option in app.query_one(FilterResults).options]


def value_reads(proxy: VaultFault) -> list[str]:
    return [r.path for r in proxy.requests if r.method == "GET" and f"/v1/{MOUNT}/data/" in r.path]


def vault_view(app) -> StoreView:
    view = app.main_screen.views["vault"]
    assert isinstance(view, StoreView)
    return view


async def test_slash_finds_a_secret_three_folders_deep_that_nobody_expanded(tmp_path, proxy):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"prod:stripe")  # ":" typed, "/" stored: they match each other
        await wait_for(pilot, lambda: "vault  team/payments/prod/stripe" in results(app), what="the deep secret")
        await wait_for(pilot, lambda: vault_view(app).complete, what="every folder listed")
        await settle(pilot)
        assert not any(line.startswith("⋯") for line in results(app))  # complete: nothing "still being listed"
        lists = sorted(r.path.removeprefix(f"/v1/{MOUNT}/metadata/dapr") for r in proxy.requests if r.method == "LIST")
        assert set(lists) == {"", "/team", "/team/payments", "/team/payments/prod", "/team/payments/dev", "/team/orders", "/ops"}
        assert value_reads(proxy) == []  # names only: no value was read to search
        await pilot.press("enter")
        await settle(pilot)
        tree = vault_view(app).secret_tree
        assert app.main_screen.current == "vault" and tree.cursor_node.data.path == "team/payments/prod/stripe"
        # the folders the crawl listed are not listed again when the jump opens them
        assert sorted(r.path for r in proxy.requests if r.method == "LIST") == sorted(
            f"/v1/{MOUNT}/metadata/dapr{folder}" for folder in lists)


async def test_a_store_with_only_folders_at_the_top_never_says_0_secrets(tmp_path, proxy):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_component("vault")
        await wait_for(pilot, lambda: vault_view(app).listed, what="vault listed")
        await settle(pilot)
        title = vault_view(app).border_title
        assert "0 secrets" not in title and "2 folders not listed" in title, title
        await pilot.press("slash", "x")  # search lists every folder: the count is complete then
        await wait_for(pilot, lambda: vault_view(app).complete, what="every folder listed")
        await settle(pilot)
        assert vault_view(app).border_title.endswith("hashicorp.vault  4 secrets")


async def test_search_says_which_stores_are_still_being_listed_while_folders_are_slow(tmp_path, proxy):
    proxy.slow(1.5, method="LIST", path_contains="/payments")
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"db")
        await wait_for(pilot, lambda: "vault  team/orders/db" in results(app), what="the fast folders")
        assert any(line.startswith("⋯ 1 store still being listed: vault (") for line in results(app)), results(app)
        await wait_for(pilot, lambda: not any(line.startswith("⋯") for line in results(app)), timeout=10,
                       what="the slow folders listed, and the filter saying so")
        assert "vault  team/orders/db" in results(app) and vault_view(app).complete


async def test_a_folder_that_cannot_be_listed_is_named_not_silently_missing(tmp_path, proxy):
    proxy.fail(403, ["permission denied"], method="LIST", path_contains="/payments/dev")
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"stripe")
        await wait_for(pilot, lambda: vault_view(app).complete, what="the crawl to end")
        await settle(pilot)
        await pilot.pause(0.4)  # the filter is updated at most every REFRESH seconds
        shown = results(app)
        assert "vault  team/payments/prod/stripe" in shown  # the rest of the store is searched
        assert "vault  team/payments/dev/stripe" not in shown
        assert any("Not searched: vault (could not list folder team/payments/dev/: " in line and "403" in line for line in shown), shown
        assert any("could not list folder team/payments/dev/" in text for text in notifications(app))
        assert "1 folder not listed" in vault_view(app).border_title


async def test_keys_of_a_vault_secret_are_searched_once_read_and_the_filter_says_so(tmp_path, proxy):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"db password")
        await wait_for(pilot, lambda: vault_view(app).complete, what="every folder listed")
        await pilot.pause(0.4)
        assert "vault  team/orders/db[password]" not in results(app)  # reading keys reads values: not done to search
        assert "Keys searched only in secrets you opened: vault" in " ".join(results(app))
        assert value_reads(proxy) == []
        await pilot.press("escape")
        await app.main_screen.jump_to_secret("vault", "team/orders/db")
        await settle(pilot)
        tree = vault_view(app).secret_tree
        tree.cursor_node.expand()  # the user opens the secret: its keys are read (and shown in the tree)
        await wait_for(pilot, lambda: vault_view(app).index.keys("team/orders/db") == ["password"], what="keys read")
        await pilot.press("slash", *"db password")
        await wait_for(pilot, lambda: "vault  team/orders/db[password]" in results(app), what="the key")
        await pilot.press("enter")
        await settle(pilot)
        assert tree.cursor_node.data.secret_key == "password"
        text = screen_text(app)
        assert not any(value in text for value in VALUES)


async def test_the_palette_finds_a_deep_secret_with_a_store_prefix(tmp_path, proxy):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"vault:payments")  # the file store's `team:payments` is not in vault
        await wait_for(pilot, lambda: vault_view(app).complete if "vault" in app.main_screen.views else False,
                       what="every folder listed")
        await pilot.pause(0.8)  # the palette searches again once names arrived
        text = screen_text(app)
        assert "vault: team/payments/prod/stripe" in text and "vault: team/payments/dev/stripe" in text
        assert "files: team:payments" not in text
