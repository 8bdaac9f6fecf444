"""The components in examples/azure open with the credential chain their comments promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.components.loader import load_resources
from tests.helpers.azure import OpenStore
from tests.helpers.certificates import make_client_certificate

EXAMPLES = Path(__file__).parents[2] / "examples" / "azure" / "components"
ENV = {"AZURE_CLIENT_SECRET": "example-secret", "AZURE_CERTIFICATE_PASSWORD": "pfx-password"}
WORKLOAD_IDENTITY_ENV = {  # what the AKS webhook injects
    "AZURE_CLIENT_ID": "33333333-3333-3333-3333-333333333333",
    "AZURE_TENANT_ID": "00000000-0000-0000-0000-000000000000",
    "AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token",
}


def example_properties(name: str) -> dict[str, str]:
    """The component's metadata, its secretKeyRefs resolved from ENV as the azure-env store would."""
    result = load_resources([str(EXAMPLES)])
    (component,) = [c for c in result.components if c.name == name]
    return {
        item.name: ENV[item.secret_key_ref.effective_key] if item.secret_key_ref else item.value or ""
        for item in component.metadata
    }


def test_examples_load_cleanly() -> None:
    result = load_resources([str(EXAMPLES)])
    assert result.diagnostics == []
    assert len(result.components) == 6


@pytest.mark.parametrize(
    ("name", "methods"),
    [
        ("akv-client-secret", ["clientcredentials", "managedidentity", "commandlineinterface"]),
        ("akv-certificate", ["clientcertificate"]),
        ("akv-managed-identity", ["managedidentity"]),
        ("akv-workload-identity", ["workloadidentity"]),
        ("akv-cli", ["commandlineinterface"]),
    ],
)
def test_example_builds_its_chain(open_store: OpenStore, tmp_path: Path, name: str, methods: list[str]) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "app.pfx").write_bytes(
        make_client_certificate(password=ENV["AZURE_CERTIFICATE_PASSWORD"]).pfx
    )
    env = WORKLOAD_IDENTITY_ENV if name == "akv-workload-identity" else ENV
    store = open_store(example_properties(name), env=env)
    assert store.vault_url == "https://myvault.vault.azure.net"
    assert [link.method for link in store.chain.links] == methods
