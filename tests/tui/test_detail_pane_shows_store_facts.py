"""QA pass on the TUI, the store side of the detail pane (items 11 and 12): what describe() costs
and says, seen through the app, against a real OpenBao (through the recording proxy) and the local
Key Vault and Entra servers with the real SDKs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dapr_secrets.tui.widgets.detail import DetailPane
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.keyvault_server import KeyVaultServer
from tests.fakes.tls import make_ca
from tests.fakes.vault_fault import VaultFault
from tests.helpers.azure import SERVICE_PRINCIPAL, local_key_vault
from tests.helpers.tui import Resources, component_yaml, detail_info, make_app, settle, wait_for
from tests.vault.openbao import Bao

SIZE = (120, 40)


@pytest.fixture
def proxy(openbao: Bao) -> Iterator[VaultFault]:
    with VaultFault(upstream=openbao.url) as recording:
        yield recording


async def highlight(pilot, store: str, name: str) -> DetailPane:
    """Show the store, put the tree cursor on a secret and wait until the detail pane has read it."""
    app = pilot.app
    app.query_one(Sidebar).highlight_component(store)
    await wait_for(pilot, lambda: store in app.views and app.views[store].listed, what=f"{store} listed")
    view = app.views[store]
    assert isinstance(view, StoreView) and view.secret_tree is not None
    view.secret_tree.focus()
    assert await view.secret_tree.select_secret(name)
    detail = app.query_one(DetailPane)
    await wait_for(pilot, lambda: detail.target is not None and detail.target.name == name and detail.read_done,
                   what=f"{name} read")
    await settle(pilot)
    return detail


@pytest.mark.integration
@pytest.mark.parametrize("name", ["numbers", "fine"])
async def test_s3_4_vault_reads_a_highlighted_secrets_value_once_and_still_explains_non_strings(tmp_path, proxy, name):
    """describe() uses what the GET just saw (key names and kinds only) instead of a second read."""
    resources = Resources(tmp_path)
    resources.write("v.yaml", component_yaml(
        "vault", "secretstores.hashicorp.vault", {"vaultAddr": proxy.url, "vaultToken": "root", "enginePath": "types"},
    ))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "vault", name)
        reads = [r.path for r in proxy.requests if r.method == "GET" and "/v1/types/data/" in r.path]
        assert reads == [f"/v1/types/data/dapr/{name}?version=0"]
        assert any(r.path == f"/v1/types/metadata/dapr/{name}" for r in proxy.requests)  # describe ran
        notes = "⚠ note: not every value is a string: n (number): in map mode Dapr's GET fails"
        assert (notes in detail_info(app)) == (name == "numbers")
        assert "s3cr3t-string" not in detail_info(app)


@pytest.fixture
def vault(tmp_path, monkeypatch) -> Iterator[KeyVaultServer]:
    """A local Key Vault (and Entra) that every Azure store of the test talks to."""
    with local_key_vault(monkeypatch, make_ca(tmp_path / "ca")) as (_, key_vault):
        yield key_vault


async def test_s3_5_key_vault_details_carry_no_general_note(tmp_path, vault: KeyVaultServer):
    """Dapr reading the current version is a fact about every secret, not a warning about this one."""
    vault.add_secret("single", "single-value")
    vault.add_secret("rotated", "rotated-one")
    vault.add_secret("rotated", "rotated-two")
    resources = Resources(tmp_path)
    resources.write("akv.yaml", component_yaml("akv", "secretstores.azure.keyvault", SERVICE_PRINCIPAL))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "akv", "single")
        assert "⚠ note" not in detail_info(app) and "older versions" not in detail_info(app)
        await highlight(pilot, "akv", "rotated")
        assert "⚠ note" not in detail_info(app)
        assert "older versions Dapr's GET reads one with metadata.version_id; bulk reads the current one" in detail_info(app)
