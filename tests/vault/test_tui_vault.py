"""The TUI on a Vault store (issue #4), against the real OpenBao dev server of conftest.py, reached
through the recording proxy of tests/fakes/vault_fault.py so the tests can count what was asked."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from dapr_secrets.tui.widgets.detail import VersionTable
from dapr_secrets.tui.widgets.secret_tree import NodeKind, SecretTree
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.vault_fault import VaultFault
from tests.helpers.tui import (
    Resources,
    component_yaml,
    detail_info,
    highlight,
    make_app,
    notifications,
    screen_text,
    settle,
    wait_for,
)
from tests.vault.openbao import Bao

pytestmark = pytest.mark.integration

SIZE = (120, 40)
MOUNT = "tui-browse"  # a KV v2 mount of its own: other tests' data stays out of these counts
VERSIONS = ["tui-initialVersion", "tui-secondVersion", "tui-v3", "tui-v4", "tui-latestValue"]
SECRETS = {
    "dapr/apps/orders/db": {"user": "orders", "password": "tui-orders-db-password"},
    "dapr/apps/orders/api": {"key": "tui-orders-api-key"},
    "dapr/apps/billing/key": {"key": "tui-billing-key"},
    "dapr/shared/cert": {"pem": "tui-shared-cert"},
    "dapr/top": {"top": "tui-top-value"},
    "dapr/numbers": {"s": "tui-string", "n": 1},
}


@pytest.fixture(scope="module")
def browse_mount(openbao: Bao) -> str:
    """Folders, a secret with five versions (3 destroyed, 4 deleted), a soft-deleted latest version."""
    client = openbao.client()
    client.sys.enable_secrets_engine("kv", path=MOUNT, options={"version": "2"})
    kv2 = client.secrets.kv.v2
    for path, data in SECRETS.items():
        kv2.create_or_update_secret(path, secret=data, mount_point=MOUNT)
    for value in VERSIONS:
        kv2.create_or_update_secret("dapr/versioned", secret={"versioned": value}, mount_point=MOUNT)
    kv2.destroy_secret_versions("dapr/versioned", versions=[3], mount_point=MOUNT)
    kv2.delete_secret_versions("dapr/versioned", versions=[4], mount_point=MOUNT)
    for value in ("tui-soft-one", "tui-soft-two"):
        kv2.create_or_update_secret("dapr/softdeleted", secret={"k": value}, mount_point=MOUNT)
    kv2.delete_latest_version_of_secret("dapr/softdeleted", mount_point=MOUNT)
    return MOUNT


@pytest.fixture
def proxy(openbao: Bao, browse_mount: str) -> Iterator[VaultFault]:
    with VaultFault(upstream=openbao.url) as recording:
        yield recording


def vault_app(tmp_path: Path, vault: VaultFault, token: str | None = "root", engine: str = MOUNT, **options: object):
    resources = Resources(tmp_path)
    metadata = {"vaultAddr": vault.url, "enginePath": engine} | ({"vaultToken": token} if token else {})
    resources.write("vault.yaml", component_yaml("vault", "secretstores.hashicorp.vault", metadata))
    return make_app(resources.runtime(**options))


async def open_store(pilot) -> SecretTree:
    pilot.app.query_one(Sidebar).highlight_component("vault")
    views = pilot.app.main_screen.views
    await wait_for(pilot, lambda: "vault" in views and views["vault"].listed, what="vault listed")
    await settle(pilot)
    view = pilot.app.main_screen.views["vault"]
    assert isinstance(view, StoreView) and view.secret_tree is not None
    return view.secret_tree


def child(node, label: str):
    return next(c for c in node.children if c.label.plain.startswith(label))


def data_reads(proxy: VaultFault) -> list[str]:
    """Value reads (GET .../data/...), with their query strings."""
    return [r.path for r in proxy.requests if r.method == "GET" and f"/v1/{MOUNT}/data/" in r.path]


def version_rows(app) -> list[str]:
    return [row.key.value for row in app.query_one(VersionTable).ordered_rows]


async def test_each_folder_is_listed_once_when_expanded_and_no_value_is_read_until_a_secret_is_highlighted(
    tmp_path, proxy
):
    """§6: browsing lists names with LIST, one folder at a time, and defers every value read."""
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        assert [c.label.plain for c in tree.root.children][:2] == ["apps/", "numbers"]
        apps = child(tree.root, "apps/")
        apps.expand()
        await settle(pilot)
        orders = child(apps, "orders/")
        orders.expand()
        await settle(pilot)
        apps.collapse()
        apps.expand()  # opened again: already listed
        await settle(pilot)
        assert [c.label.plain for c in orders.children] == ["api", "db"]

        lists = Counter(r.path for r in proxy.requests if r.method == "LIST")
        assert lists == Counter({
            f"/v1/{MOUNT}/metadata/dapr": 1,
            f"/v1/{MOUNT}/metadata/dapr/apps": 1,
            f"/v1/{MOUNT}/metadata/dapr/apps/orders": 1,
        })
        assert data_reads(proxy) == []  # names only so far: shared/ and billing/ were never listed either

        detail = await highlight(pilot, tree, "apps/orders/db")
        assert data_reads(proxy) and {path.partition("?")[0] for path in data_reads(proxy)} == {
            f"/v1/{MOUNT}/data/dapr/apps/orders/db"
        }
        assert sorted(detail.values or {}) == ["password", "user"]
        assert "as token from vaultToken" in detail_info(app)
        assert "tui-orders-db-password" not in screen_text(app)


async def test_s3_4_version_id_any_of_five_versions_can_be_picked_revealed_and_copied(tmp_path, proxy):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        detail = await highlight(pilot, tree, "versioned")
        assert detail.values == {"versioned": "tui-latestValue"}
        assert version_rows(app) == ["5", "4", "3", "2", "1"]
        assert "versions: 5 (current), 4 (deleted), 3 (destroyed), 2, 1" in detail_info(app)

        await pilot.press("v")  # the next older version that can be read: 4 (deleted) and 3 (destroyed) cannot
        await wait_for(pilot, lambda: detail.version == "2" and detail.values is not None, what="v: version 2")
        await pilot.press("v")
        await wait_for(pilot, lambda: detail.version == "1" and detail.values is not None, what="v: version 1")
        assert detail.values == {"versioned": "tui-initialVersion"}
        await pilot.press("v")  # and back to the current one
        await wait_for(pilot, lambda: detail.version is None and detail.values is not None, what="v: current")
        assert detail.values == {"versioned": "tui-latestValue"}

        app.query_one(VersionTable).focus()
        await pilot.press("down", "down", "down")  # in the list: past 4 and 3, on to 2
        await wait_for(pilot, lambda: detail.version == "2" and detail.values is not None, what="version 2 read")
        assert data_reads(proxy)[-1] == f"/v1/{MOUNT}/data/dapr/versioned?version=2"
        assert "tui-secondVersion" not in screen_text(app)  # masked until revealed
        assert "GET http://localhost:3500/v1.0/secrets/vault/versioned?metadata.version_id=2" in detail_info(app)

        await pilot.press("x")
        await pilot.pause()
        assert "tui-secondVersion" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "tui-secondVersion"
        assert any(m.startswith("Copied vault/versioned") for m in notifications(app))
        assert not any("tui-secondVersion" in m for m in notifications(app))

        await pilot.press("up")  # version 3: destroyed, so nothing is read and the pane says why
        await wait_for(pilot, lambda: detail.version == "3", what="version 3 picked")
        assert "tui-secondVersion" not in screen_text(app)  # another version: masked again
        assert "version 3 cannot be read: it is destroyed" in detail_info(app)
        assert "Dapr's GET with version_id=3 fails" in detail_info(app)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "tui-secondVersion"  # unchanged: nothing was copied
        assert "Version 3 cannot be read: it is destroyed" in notifications(app)[-1]
        await pilot.press("up", "x")  # version 4: deleted
        await pilot.pause()
        assert "Version 4 cannot be read: it is deleted" in notifications(app)[-1]
        assert not any("version=3" in path or "version=4" in path for path in data_reads(proxy))


async def test_s3_4_a_soft_deleted_latest_version_shows_daprs_failure_its_note_and_the_readable_older_one(
    tmp_path, proxy
):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        detail = await highlight(pilot, tree, "softdeleted")
        text = detail_info(app)
        assert "could not read it: getSecret softdeleted failed secret key or version not exist" in text
        assert "⚠ note: The latest version (2) is deleted: Vault still lists this secret, but Dapr's bulk" in text
        assert version_rows(app) == ["2", "1"]

        app.query_one(VersionTable).focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: detail.version == "1" and detail.values is not None, what="version 1 read")
        assert detail.values == {"k": "tui-soft-one"}
        assert "⚠ note: The latest version (2) is deleted" in detail_info(app)  # the note stays with the secret


async def test_s3_4_non_string_values_in_map_mode_show_the_get_failure_and_why(tmp_path, proxy):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        await highlight(pilot, tree, "numbers")
        text = detail_info(app)
        assert "could not read it: couldn't decode response body: json: cannot unmarshal number" in text
        assert "⚠ note: not every value is a string: n (number): in map mode Dapr's GET fails" in text
        assert "tui-string" not in screen_text(app)


async def test_the_pane_says_plainly_when_the_users_own_token_is_used_instead_of_the_components(tmp_path, proxy):
    app = vault_app(tmp_path, proxy, token=None, env={"VAULT_TOKEN": "root"}, store_options={"vault_token_from_env": True})
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        detail = await highlight(pilot, tree, "top")
        assert detail.values == {"top": "tui-top-value"}
        assert "as your own Vault token (VAULT_TOKEN), not the component's" in detail_info(app)
        assert {r.token for r in proxy.requests} == {"root"}


async def test_a_vault_that_is_down_is_asked_once_for_the_secret_not_again_for_its_details(tmp_path, fault_vault):
    fault_vault.fail(503, ["Vault is sealed"], method="GET", path_contains="/data/")
    app = vault_app(tmp_path, fault_vault, engine="secret")
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        await highlight(pilot, tree, "db")
        assert "could not read it: couldn't get successful response, status code 503" in detail_info(app)
        assert "\nhint: Vault is sealed: unseal it" in detail_info(app)  # the hint on a line of its own
        gets = [r.path for r in fault_vault.requests if r.method == "GET"]
        assert gets == ["/v1/secret/data/dapr/db?version=0"]  # no metadata read after the failure


async def test_ages_come_from_kv_metadata_one_call_per_shown_secret_and_read_no_value(tmp_path, proxy):
    app = vault_app(tmp_path, proxy)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        proxy.requests.clear()
        await pilot.press("a")

        def secret_labels() -> list[str]:
            return [c.label.plain for c in tree.root.children if c.data is not None and c.data.kind == NodeKind.SECRET]

        await wait_for(pilot, lambda: secret_labels() and not any("…" in label for label in secret_labels()), what="ages")
        await settle(pilot)
        assert all(re.match(r"^ *(\d+[smhdy]|-) ", label) for label in secret_labels())
        assert any(re.match(r"^ *\d+[smhdy] ", label) for label in secret_labels())
        assert data_reads(proxy) == []  # no value read for an age
        metadata = Counter(r.path for r in proxy.requests if r.method == "GET" and f"/v1/{MOUNT}/metadata/" in r.path)
        assert len(metadata) == len(secret_labels()) and set(metadata.values()) == {1}  # once each, shown ones only
