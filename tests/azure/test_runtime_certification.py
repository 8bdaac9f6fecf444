"""Dapr's Key Vault certification setup (dapr-behaviour.md §5.1) through our runtime: the Key Vault
component takes vaultName and every credential from a local.env store by secretKeyRef, and sorts
before it, yet opens; GET and bulk then answer like daprd's HTTP API."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from tests.fakes.keyvault_server import KeyVaultServer
from tests.helpers.azure import CLIENT, CLIENT_SECRET, TENANT

KEYVAULT = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: azurekeyvault
spec:
  type: secretstores.azure.keyvault
  version: v1
  metadata:
  - name: vaultName
    secretKeyRef: {name: AzureKeyVaultName, key: AzureKeyVaultName}
  - name: azureTenantId
    secretKeyRef: {name: AzureKeyVaultTenantId, key: AzureKeyVaultTenantId}
  - name: azureClientId
    secretKeyRef: {name: AzureKeyVaultServicePrincipalClientId, key: AzureKeyVaultServicePrincipalClientId}
  - name: azureClientSecret
    secretKeyRef: {name: AzureKeyVaultServicePrincipalClientSecret, key: AzureKeyVaultServicePrincipalClientSecret}
auth:
  secretStore: envvar-secret-store
"""

LOCAL_ENV = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: envvar-secret-store
spec:
  type: secretstores.local.env
  version: v1
"""


@pytest.mark.usefixtures("local_azure")
def test_s5_1_key_vault_credentials_from_an_env_store(tmp_path: Path, vault: KeyVaultServer) -> None:
    (tmp_path / "keyvault.yaml").write_text(KEYVAULT)  # sorts before localsecrets.yaml
    (tmp_path / "localsecrets.yaml").write_text(LOCAL_ENV)
    vault.add_secret("conftestsecret", "abcd")
    vault.add_secret("secondsecret", "efgh")
    vault.add_secret("disabledsecret", "x", enabled=False)
    env = {
        "AzureKeyVaultName": "myvault",
        "AzureKeyVaultTenantId": TENANT,
        "AzureKeyVaultServicePrincipalClientId": CLIENT,
        "AzureKeyVaultServicePrincipalClientSecret": CLIENT_SECRET,
    }
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(tmp_path),), env=env, cwd=str(tmp_path)))
    try:
        runtime.start()
        assert runtime.status("azurekeyvault").state.value == "ready"
        assert runtime.api_get("azurekeyvault", "secondsecret").text() == '{"secondsecret":"efgh"}\n'
        bulk = runtime.api_bulk("azurekeyvault")
        assert (bulk.status, bulk.body) == (
            200,
            {"conftestsecret": {"conftestsecret": "abcd"}, "secondsecret": {"secondsecret": "efgh"}},
        )
        missing = runtime.api_get("azurekeyvault", "nope")
        assert missing.status == 500 and missing.body["errorCode"] == "ERR_SECRET_GET"
        assert CLIENT_SECRET not in missing.text()
    finally:
        runtime.close()
