"""Key Vault metadata as Dapr's Init reads it (dapr-behaviour.md §3.5): vaultName forms, clouds,
aliases, azureAuthMethods and the credential chain it builds. No network: building a chain makes
azure-identity objects but sends nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from azure.identity import (
    AzureCliCredential,
    CertificateCredential,
    ClientSecretCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)

from dapr_secrets.backends.azure_keyvault.store import max_results
from dapr_secrets.backends.base import StoreError, StoreMisconfigured
from tests.helpers.azure import OpenStore
from tests.helpers.certificates import make_client_certificate

SP = {"azureTenantId": "t", "azureClientId": "c", "azureClientSecret": "s"}
WORKLOAD_ENV = {"AZURE_CLIENT_ID": "wi-app", "AZURE_TENANT_ID": "t", "AZURE_FEDERATED_TOKEN_FILE": "/var/run/token"}


def methods(store) -> list[str]:
    return [link.method for link in store.chain.links]


# --- vaultName and the cloud ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vault_name", "expected_name", "expected_url"),
    [
        ("myvault", "myvault", "https://myvault.vault.azure.net"),
        ("myvault.vault.azure.net", "myvault", "https://myvault.vault.azure.net"),
        ("myvault.vault.azure.cn", "myvault", "https://myvault.vault.azure.cn"),
        ("https://myvault.vault.usgovcloudapi.net", "myvault", "https://myvault.vault.usgovcloudapi.net"),
        # A trailing "/" defeats the legacy form: Dapr keeps the whole text as the name.
        (
            "https://myvault.vault.azure.net/",
            "https://myvault.vault.azure.net/",
            "https://https://myvault.vault.azure.net/.vault.azure.net",
        ),
        # Only "https://" is stripped.
        ("http://myvault.vault.azure.net", "http://myvault", "https://http://myvault.vault.azure.net"),
        ("", "", "https://.vault.azure.net"),
    ],
)
def test_s3_5_vault_name_forms(open_store: OpenStore, vault_name: str, expected_name: str, expected_url: str) -> None:
    store = open_store({"vaultName": vault_name})
    assert (store.vault_name, store.vault_url) == (expected_name, expected_url)


def test_s3_5_vault_name_is_case_insensitive(open_store: OpenStore) -> None:
    assert open_store({"VAULTNAME": "kv1"}).vault_url == "https://kv1.vault.azure.net"


def test_s3_5_legacy_suffix_forces_the_cloud_over_azure_environment(open_store: OpenStore) -> None:
    store = open_store({"vaultName": "kv.vault.azure.cn", "azureEnvironment": "AzureUSGovernmentCloud"})
    assert store.cloud.name == "AzureChinaCloud"
    # Dapr overwrites azureEnvironment with the forced cloud, so even an invalid one passes Init.
    assert open_store({"vaultName": "kv.vault.azure.cn", "azureCloud": "Mars"}).vault_url == "https://kv.vault.azure.cn"


@pytest.mark.parametrize(
    ("environment", "suffix"),
    [
        ("", "vault.azure.net"),
        ("AzurePublicCloud", "vault.azure.net"),
        ("azurepublic", "vault.azure.net"),
        ("AZURECHINACLOUD", "vault.azure.cn"),
        ("AzureChina", "vault.azure.cn"),
        ("AzureUSGovernmentCloud", "vault.usgovcloudapi.net"),
        ("azureusgovernment", "vault.usgovcloudapi.net"),
    ],
)
@pytest.mark.parametrize("key", ["azureEnvironment", "azureCloud", "AZUREENVIRONMENT"])
def test_s3_5_azure_environment_aliases(open_store: OpenStore, key: str, environment: str, suffix: str) -> None:
    assert open_store({"vaultName": "kv", key: environment}).vault_url == f"https://kv.{suffix}"


def test_s3_5_azure_environment_wins_over_azure_cloud(open_store: OpenStore) -> None:
    store = open_store({"vaultName": "kv", "azureCloud": "AzureChinaCloud", "azureEnvironment": "AzurePublicCloud"})
    assert store.vault_url == "https://kv.vault.azure.net"


@pytest.mark.parametrize("environment", ["AzureGermanCloud", "public", " AzurePublicCloud"])
def test_s3_5_unknown_cloud_is_an_init_error(open_store: OpenStore, environment: str) -> None:
    with pytest.raises(StoreMisconfigured) as raised:
        open_store({"vaultName": "kv", "azureEnvironment": environment})
    assert str(raised.value) == f"invalid Azure cloud: {environment}"


def test_s3_5_cloud_sets_the_entra_authority(open_store: OpenStore) -> None:
    store = open_store({"vaultName": "kv", "azureEnvironment": "AzureChina", **SP})
    # azure-identity keeps the authority it will call in this attribute.
    assert store.chain.links[0].credential._authority == "https://login.chinacloudapi.cn"


def test_s3_metadata_names_differing_only_by_case_are_an_init_error(open_store: OpenStore) -> None:
    with pytest.raises(
        StoreMisconfigured, match="failed to resolve aliases: key vaultname is duplicate in the metadata"
    ):
        open_store({"vaultName": "a", "VaultName": "b"})


def test_s3_5_empty_or_slashed_vault_name_is_diagnosed(open_store: OpenStore) -> None:
    assert [d.code for d in open_store({"vaultName": ""}).diagnostics()] == ["akv-empty-vault-name"]
    assert [d.code for d in open_store({"vaultName": "kv.vault.azure.net/"}).diagnostics()] == ["akv-vault-name-slash"]
    assert open_store({"vaultName": "kv"}).diagnostics() == []


# --- the default credential chain ----------------------------------------------------------------


def test_s3_5_no_credentials_gives_managed_identity_then_cli(open_store: OpenStore) -> None:
    store = open_store({"vaultName": "kv"})
    assert methods(store) == ["managedidentity", "commandlineinterface"]
    assert isinstance(store.chain.links[0].credential, ManagedIdentityCredential)
    assert isinstance(store.chain.links[1].credential, AzureCliCredential)
    assert store.chain.links[0].description == "system-assigned managed identity"
    assert store.chain.skipped == []


@pytest.mark.parametrize(
    "aliases",
    [
        {"azureTenantId": "t", "azureClientId": "c", "azureClientSecret": "s"},
        {"spnTenantId": "t", "spnClientId": "c", "spnClientSecret": "s"},
        {"tenantId": "t", "clientId": "c", "clientSecret": "s"},
        {"AZURETENANTID": "t", "SpnClientId": "c", "clientsecret": "s"},
    ],
)
def test_s3_5_client_secret_comes_first_with_any_alias(open_store: OpenStore, aliases: dict[str, str]) -> None:
    store = open_store({"vaultName": "kv", **aliases})
    assert methods(store) == ["clientcredentials", "managedidentity", "commandlineinterface"]
    assert isinstance(store.chain.links[0].credential, ClientSecretCredential)
    assert store.chain.links[1].description == "user-assigned managed identity c"
    assert [note.split(" (")[0] for note in store.chain.skipped] == ["SPIFFE workload identity of app c in tenant t"]
    assert "SPIFFE workload identity" in store.identity() and "skipped" in store.identity()


def test_s3_5_client_secret_needs_tenant_client_and_secret(open_store: OpenStore) -> None:
    store = open_store({"vaultName": "kv", "azureClientId": "c", "azureClientSecret": "s"})
    assert methods(store) == ["managedidentity", "commandlineinterface"]
    assert store.chain.skipped == []  # SPIFFE needs the tenant too


def test_s3_5_certificate_file_relative_to_daprd_cwd(open_store: OpenStore, tmp_path: Path) -> None:
    (tmp_path / "app.pem").write_bytes(make_client_certificate().bundle_pem)
    store = open_store({"vaultName": "kv", "azureTenantId": "t", "azureClientId": "c", "spnCertificateFile": "app.pem"})
    assert methods(store) == ["clientcertificate", "managedidentity", "commandlineinterface"]
    assert isinstance(store.chain.links[0].credential, CertificateCredential)
    assert "file app.pem" in store.chain.links[0].description


def test_s3_5_secret_then_certificate_when_both_are_set(open_store: OpenStore) -> None:
    certificate = make_client_certificate()
    store = open_store({"vaultName": "kv", **SP, "azureCertificate": certificate.bundle_pem.decode()})
    assert methods(store) == ["clientcredentials", "clientcertificate", "managedidentity", "commandlineinterface"]


def test_s3_5_pkcs12_certificate_with_password(open_store: OpenStore, tmp_path: Path) -> None:
    certificate = make_client_certificate()
    (tmp_path / "app.pfx").write_bytes(certificate.pfx)
    store = open_store(
        {
            "vaultName": "kv",
            "spnTenantId": "t",
            "spnClientId": "c",
            "azureCertificateFile": "app.pfx",
            "spnCertificatePassword": certificate.password,
        }
    )
    assert methods(store)[0] == "clientcertificate"


def test_s3_5_workload_identity_reads_daprd_env_not_ours(
    open_store: OpenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in WORKLOAD_ENV:
        monkeypatch.delenv(name, raising=False)
    store = open_store({"vaultName": "kv"}, env=WORKLOAD_ENV)
    assert methods(store) == ["workloadidentity", "managedidentity", "commandlineinterface"]
    assert isinstance(store.chain.links[0].credential, WorkloadIdentityCredential)
    assert "app wi-app in tenant t" in store.chain.links[0].description
    assert methods(open_store({"vaultName": "kv"}, env={})) == ["managedidentity", "commandlineinterface"]


@pytest.mark.parametrize("variable", ["IDENTITY_ENDPOINT", "IMDS_ENDPOINT", "MSI_ENDPOINT"])
def test_s3_5_cli_left_out_of_default_chain_on_managed_identity_hosts(open_store: OpenStore, variable: str) -> None:
    env = {variable: "http://169.254.130.1/msi/token"}
    assert methods(open_store({"vaultName": "kv"}, env=env)) == ["managedidentity"]
    assert methods(open_store({"vaultName": "kv", "azureAuthMethods": "cli"}, env=env)) == ["commandlineinterface"]


# --- azureAuthMethods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("clientcredentials", ["clientcredentials"]),
        ("creds", ["clientcredentials"]),
        ("ClientCertificate", ["clientcertificate"]),
        ("cert", ["clientcertificate"]),
        ("WorkloadIdentity", ["workloadidentity"]),
        ("wi", ["workloadidentity"]),
        ("ManagedIdentity", ["managedidentity"]),
        ("MI", ["managedidentity"]),
        ("CommandLineInterface", ["commandlineinterface"]),
        ("cli", ["commandlineinterface"]),
        (" cli , mi ", ["commandlineinterface", "managedidentity"]),
        ("mi,creds", ["managedidentity", "clientcredentials"]),
    ],
)
def test_s3_5_auth_method_aliases(open_store: OpenStore, value: str, expected: list[str]) -> None:
    certificate = make_client_certificate()
    properties = {
        "vaultName": "kv",
        **SP,
        "azureCertificate": certificate.bundle_pem.decode(),
        "azureAuthMethods": value,
    }
    assert methods(open_store(properties, env=WORKLOAD_ENV)) == expected


@pytest.mark.parametrize(
    "key",
    ["azureAuthMethods", "azureADAuthMethods", "entraIDAuthMethods", "microsoftEntraIDAuthMethods", "AZUREAUTHMETHODS"],
)
def test_s3_5_auth_method_list_aliases(open_store: OpenStore, key: str) -> None:
    assert methods(open_store({"vaultName": "kv", **SP, key: "mi"})) == ["managedidentity"]


def test_s3_5_blank_auth_methods_means_default_chain(open_store: OpenStore) -> None:
    assert methods(open_store({"vaultName": "kv", "azureAuthMethods": "  "})) == [
        "managedidentity",
        "commandlineinterface",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("none", "all Azure auth methods have been disabled with auth method 'None'"),
        ("mi, None", "all Azure auth methods have been disabled with auth method 'None'"),
        ("kerberos", "invalid Azure auth method: kerberos"),
        ("mi,,cli", "invalid Azure auth method: "),
        ("none,kerberos", "all Azure auth methods have been disabled with auth method 'None'"),
        ("kerberos,none", "invalid Azure auth method: kerberos"),
        # Methods whose inputs are missing add nothing; an empty chain fails Init, with Go's %w of nil.
        ("creds", "no suitable token provider for Azure AD; errors: %!w(<nil>)"),
        ("spiffe", "no suitable token provider for Azure AD; errors: %!w(<nil>)"),
        (
            "wi",
            "no suitable token provider for Azure AD; errors: no client ID specified. "
            "Check pod configuration or set ClientID in the options",
        ),
    ],
)
def test_s3_5_auth_method_errors(open_store: OpenStore, value: str, message: str) -> None:
    with pytest.raises(StoreMisconfigured) as raised:
        open_store({"vaultName": "kv", "azureAuthMethods": value})
    assert str(raised.value) == message
    assert raised.value.hint


def test_s3_5_invalid_certificate_is_skipped_with_daprs_error(open_store: OpenStore) -> None:
    ec_certificate = make_client_certificate(key_type="ec")  # Dapr accepts RSA keys only
    properties = {
        "vaultName": "kv",
        "azureTenantId": "t",
        "azureClientId": "c",
        "azureCertificate": ec_certificate.bundle_pem.decode(),
    }
    assert methods(open_store(properties)) == ["managedidentity", "commandlineinterface"]
    with pytest.raises(StoreMisconfigured) as raised:
        open_store({**properties, "azureAuthMethods": "cert"})
    assert str(raised.value) == (
        "no suitable token provider for Azure AD; errors: "
        "failed to decode pkcs12 certificate while creating spt: certificate is not valid"
    )


def test_s3_5_missing_certificate_file(open_store: OpenStore) -> None:
    with pytest.raises(StoreMisconfigured) as raised:
        open_store({"vaultName": "kv", "azureCertificateFile": "nope.pfx", "azureAuthMethods": "cert"})
    assert str(raised.value) == (
        "no suitable token provider for Azure AD; errors: failed to read the certificate file (nope.pfx): No such file or directory"
    )


def test_s3_5_spiffe_only_opens_but_says_why_no_token(open_store: OpenStore) -> None:
    store = open_store({"vaultName": "kv", **SP, "azureAuthMethods": "spiffe"})
    assert methods(store) == []
    assert "only daprd can use it" in store.identity()


def test_secret_values_stay_out_of_identity_and_reprs(open_store: OpenStore) -> None:
    certificate = make_client_certificate()
    properties = {
        "vaultName": "kv",
        "azureTenantId": "t",
        "azureClientId": "c",
        "azureClientSecret": "super-secret-value-42",
        "azureCertificate": certificate.bundle_pem.decode(),
        "azureCertificatePassword": "pw-123",
    }
    store = open_store(properties)
    assert methods(store)[:2] == ["clientcredentials", "clientcertificate"]
    text = store.identity() + repr(store.chain.links) + repr(store)
    assert "super-secret-value-42" not in text and "pw-123" not in text and "PRIVATE KEY" not in text


# --- bulk's maxresults -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit"),
    [("", 0), ("25", 25), ("+7", 7), ("-3", -3), ("0", 0), ("4294967297", 1), ("2147483648", -2147483648)],
)
def test_s3_5_maxresults_is_go_atoi_then_int32(value: str, limit: int) -> None:
    assert max_results({"maxresults": value}) == limit


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten", 'strconv.Atoi: parsing "ten": invalid syntax'),
        (" 5", 'strconv.Atoi: parsing " 5": invalid syntax'),
        ("5.0", 'strconv.Atoi: parsing "5.0": invalid syntax'),
        ("1_000", 'strconv.Atoi: parsing "1_000": invalid syntax'),
        ("99999999999999999999", 'strconv.Atoi: parsing "99999999999999999999": value out of range'),
    ],
)
def test_s3_5_maxresults_not_an_integer_is_an_error(value: str, message: str) -> None:
    with pytest.raises(StoreError) as raised:
        max_results({"maxresults": value})
    assert str(raised.value) == message


def test_s3_5_maxresults_key_is_exact_lower_case() -> None:
    assert max_results({"MaxResults": "ten"}) == 0


def test_backend_imports_no_sdk_and_no_ui() -> None:
    code = (
        "import sys, dapr_secrets.backends.azure_keyvault.store\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('azure', 'textual', 'rich', 'msal', 'requests')]\n"
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
