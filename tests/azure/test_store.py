"""The Key Vault store end to end: the real SecretClient and real azure-identity credentials against
the local Key Vault and Entra fakes over HTTPS (dapr-behaviour.md §3.5)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dapr_secrets.backends.azure_keyvault import store as azure_store
from dapr_secrets.backends.base import AccessDenied, LastChanged, SecretNotFound, StoreError, StoreTimeout, StoreUnreachable
from tests.fakes.entra_server import EntraServer
from tests.fakes.keyvault_server import KeyVaultServer
from tests.helpers.azure import CLIENT, SERVICE_PRINCIPAL, TENANT, OpenStore
from tests.helpers.certificates import make_client_certificate

pytestmark = pytest.mark.usefixtures("local_azure")

NOW = int(time.time())


def seed(vault: KeyVaultServer, count: int) -> dict[str, str]:
    values = {f"secret-{i:03d}": f"value-{i:03d}" for i in range(count)}
    for name, value in values.items():
        vault.add_secret(name, value)
    return values


def authenticated(vault: KeyVaultServer) -> list:
    return [r for r in vault.requests if r.authorization]


# --- GET -------------------------------------------------------------------------------------------


def test_s3_5_get_returns_name_to_value(open_store: OpenStore, vault: KeyVaultServer, entra: EntraServer) -> None:
    vault.add_secret("db-password", "hunter2")
    assert open_store().get_secret("db-password", {}) == {"db-password": "hunter2"}
    # The challenge flow: one anonymous request, then the bearer token Entra issued for our app.
    assert vault.requests[0].authorization is None and vault.requests[0].status == 401
    assert vault.requests[-1].path == "/secrets/db-password/"
    assert entra.client_for(vault.requests[-1].authorization.removeprefix("Bearer ")) == CLIENT


def test_s3_5_get_keeps_the_requested_name_and_null_becomes_empty(open_store: OpenStore, vault: KeyVaultServer) -> None:
    vault.add_secret("Mixed-Case", "v")
    vault.add_secret("null-value", None)
    store = open_store()
    assert store.get_secret("mixed-case", {}) == {"mixed-case": "v"}  # Key Vault names ignore case
    assert store.get_secret("null-value", {}) == {"null-value": ""}


def test_s3_5_missing_secret_is_not_found(open_store: OpenStore, vault: KeyVaultServer) -> None:
    with pytest.raises(SecretNotFound, match="secret 'ghost' not found in Key Vault myvault: A secret with"):
        open_store().get_secret("ghost", {})


def test_s3_5_empty_name_fails_like_the_go_sdk(open_store: OpenStore, vault: KeyVaultServer) -> None:
    with pytest.raises(StoreError, match="parameter name cannot be empty"):
        open_store().get_secret("", {})
    assert vault.requests == []


def test_s3_5_version_id_reveals_any_version(open_store: OpenStore, vault: KeyVaultServer) -> None:
    first = vault.add_secret("api-key", "v1", created=NOW - 300)
    second = vault.add_secret("api-key", "v2", created=NOW - 200, enabled=False)
    third = vault.add_secret("api-key", "v3", created=NOW - 100)
    store = open_store()

    details = store.describe("api-key")
    assert [(v.id, v.state) for v in details.versions] == [(third, "current"), (second, "disabled"), (first, "")]
    assert details.attributes["versions"] == "3"
    assert store.get_secret("api-key", {"version_id": first}) == {"api-key": "v1"}
    assert store.get_secret("api-key", {"version_id": ""}) == {"api-key": "v3"}
    assert store.get_secret("api-key", {}) == {"api-key": "v3"}
    with pytest.raises(AccessDenied, match=f"version {second} of secret 'api-key' is disabled"):
        store.get_secret("api-key", {"version_id": second})
    with pytest.raises(SecretNotFound, match="version nope of secret 'api-key' not found"):
        store.get_secret("api-key", {"version_id": "nope"})
    assert not any("/versions" in r.path for r in vault.value_requests())


def test_s3_5_describe_reads_no_value(open_store: OpenStore, vault: KeyVaultServer) -> None:
    vault.add_secret("cert-backed", "PEM...", content_type="application/x-pem-file", tags={"team": "pay"}, managed=True)
    details = open_store().describe("cert-backed")
    assert details.attributes["content type"] == "application/x-pem-file"
    assert details.attributes["tags"] == "team=pay"
    assert details.attributes["backs a certificate"] == "yes"
    assert vault.value_requests() == []
    with pytest.raises(SecretNotFound):
        open_store().describe("ghost")


# --- listing and bulk --------------------------------------------------------------------------------


def test_list_names_pages_without_reading_values(open_store: OpenStore, vault: KeyVaultServer) -> None:
    values = seed(vault, 60)
    pages = list(open_store().list_names())
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [entry.name for page in pages for entry in page] == list(values)
    assert vault.value_requests() == []
    list_requests = [r for r in authenticated(vault) if r.path == "/secrets"]
    assert [r.query.get("$skiptoken") for r in list_requests] == [None, "25", "50"]


def test_list_names_can_stop_early(open_store: OpenStore, vault: KeyVaultServer) -> None:
    seed(vault, 60)
    first_page = next(iter(open_store().list_names()))
    assert len(first_page) == 25
    assert len([r for r in authenticated(vault) if r.path == "/secrets"]) == 1


def test_s3_5_disabled_secrets_listed_with_a_note_but_hidden_from_bulk(
    open_store: OpenStore, vault: KeyVaultServer
) -> None:
    vault.add_secret("on", "1")
    vault.add_secret("off", "2", enabled=False)
    vault.add_secret("no-enabled-attribute", "3", enabled=None)
    store = open_store()
    notes = {entry.name: entry.note for page in store.list_names() for entry in page}
    assert notes == {
        "on": "",
        "off": "disabled: hidden from Dapr bulk; GET fails",
        "no-enabled-attribute": "no 'enabled' attribute: hidden from Dapr bulk",
    }
    assert store.bulk_get({}) == {"on": {"on": "1"}}
    with pytest.raises(AccessDenied, match="secret 'off' is disabled") as raised:
        store.get_secret("off", {})
    assert "Operation get is not allowed on a disabled secret." in str(raised.value)
    assert "enable the secret" in raised.value.hint


def test_s3_5_expired_and_not_yet_active_are_marked_and_still_returned(
    open_store: OpenStore, vault: KeyVaultServer
) -> None:
    vault.add_secret("expired", "e", expires=NOW - 3600, content_type="text/plain", tags={"env": "prod"})
    vault.add_secret("future", "f", not_before=NOW + 3600)
    store = open_store()
    entries = {entry.name: entry for page in store.list_names() for entry in page}
    assert entries["expired"].note.startswith("expired ") and "Dapr does too" in entries["expired"].note
    assert entries["future"].note.startswith("not active until ")
    assert entries["expired"].info["content type"] == "text/plain"
    assert entries["expired"].info["tags"] == "env=prod"
    assert entries["expired"].info["updated"]
    assert store.bulk_get({}) == {"expired": {"expired": "e"}, "future": {"future": "f"}}
    assert store.get_secret("expired", {}) == {"expired": "e"}


def test_s3_5_bulk_equals_a_sequential_loop_of_sdk_calls(open_store: OpenStore, vault: KeyVaultServer) -> None:
    values = seed(vault, 60)
    vault.add_secret("disabled", "x", enabled=False)
    store = open_store()
    sequential = {}
    for page in store.list_names():
        for entry in page:
            if not entry.note:
                sequential[entry.name] = store.get_secret(entry.name, {})
    assert store.bulk_get({"version_id": "ignored"}) == sequential
    assert sequential == {name: {name: value} for name, value in values.items()}


@pytest.mark.parametrize(
    ("limit", "count"), [("30", 50), ("1", 25), ("50", 50), ("0", 60), ("-5", 60), ("4294967297", 25)]
)
def test_s3_5_maxresults_is_checked_after_each_page(
    open_store: OpenStore, vault: KeyVaultServer, limit: str, count: int
) -> None:
    seed(vault, 60)
    assert len(open_store().bulk_get({"maxresults": limit})) == count
    assert len(vault.value_requests()) == count  # no value of a page past the limit is read


def test_s3_5_bad_maxresults_fails_before_any_request(open_store: OpenStore, vault: KeyVaultServer) -> None:
    with pytest.raises(StoreError, match='strconv.Atoi: parsing "lots": invalid syntax'):
        open_store().bulk_get({"maxresults": "lots"})
    assert vault.requests == []


def test_s3_5_bulk_fails_with_the_first_failing_secret_in_listing_order(
    open_store: OpenStore, vault: KeyVaultServer
) -> None:
    seed(vault, 60)
    # Key Vault RBAC can be granted per secret: these two cannot be read.
    vault.forbidden_secrets = {"secret-007", "secret-040"}
    with pytest.raises(AccessDenied, match="secret-007"):
        open_store().bulk_get({})


# --- credentials -------------------------------------------------------------------------------------


def test_s3_5_client_secret_answers_and_identity_says_so(
    open_store: OpenStore, vault: KeyVaultServer, entra: EntraServer
) -> None:
    vault.add_secret("s", "v")
    store = open_store()
    assert store.identity().startswith("credential chain, in Dapr's order: client secret of app app-1")
    store.get_secret("s", {})
    assert store.identity().startswith(f"client secret of app {CLIENT} in tenant {TENANT} (answered)")
    (request,) = entra.token_requests
    assert request.tenant == TENANT and request.form["client_id"] == CLIENT
    assert request.form["scope"] == "https://vault.azure.net/.default"


def test_s3_5_wrong_client_secret_is_a_clear_refusal(
    open_store: OpenStore, vault: KeyVaultServer, entra: EntraServer
) -> None:
    vault.add_secret("s", "v")
    store = open_store({**SERVICE_PRINCIPAL, "azureClientSecret": "stale-secret-value"})
    with pytest.raises(AccessDenied) as raised:
        store.get_secret("s", {})
    message = str(raised.value)
    assert message.startswith(f"Microsoft Entra ID refused the client secret of app {CLIENT} in tenant {TENANT}: ")
    assert "AADSTS7000215" in message
    assert "azureClientSecret" in raised.value.hint
    assert "stale-secret-value" not in message + raised.value.hint
    # A refusal stops the chain, as in Go: managed identity and the CLI are not tried.
    assert store.chain.answered is None and len(entra.token_requests) == 1


def test_s3_5_unavailable_links_pass_to_the_next(
    open_store: OpenStore, vault: KeyVaultServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `az` here: the CLI link is unavailable
    vault.add_secret("s", "v")
    store = open_store({**SERVICE_PRINCIPAL, "azureAuthMethods": "cli,creds"})
    assert store.get_secret("s", {}) == {"s": "v"}
    assert store.chain.answered is not None and store.chain.answered.method == "clientcredentials"


def test_s3_5_nothing_answers_explains_every_link(
    open_store: OpenStore, vault: KeyVaultServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    store = open_store({**SERVICE_PRINCIPAL, "azureAuthMethods": "spiffe,cli"})
    with pytest.raises(AccessDenied) as raised:
        store.get_secret("s", {})
    assert str(raised.value) == (
        "no Azure credential could get a token: "
        f"SPIFFE workload identity of app {CLIENT} in tenant {TENANT} (only daprd can use it: it needs a JWT SVID "
        "from Dapr Sentry): skipped; Azure CLI login (az login): Azure CLI not found on path"
    )


def test_s3_5_client_certificate_end_to_end(
    open_store: OpenStore, vault: KeyVaultServer, entra: EntraServer, tmp_path: Path
) -> None:
    certificate = make_client_certificate()
    entra.add_client_certificate("cert-app", certificate.certificate_pem)
    vault.add_secret("s", "v")
    (tmp_path / "app.pfx").write_bytes(certificate.pfx)
    properties = {
        "vaultName": "myvault",
        "spnTenantId": TENANT,
        "spnClientId": "cert-app",
        "spnCertificateFile": "app.pfx",
        "spnCertificatePassword": certificate.password,
    }
    store = open_store(properties)
    assert store.get_secret("s", {}) == {"s": "v"}
    assert store.chain.answered is not None and store.chain.answered.method == "clientcertificate"
    assert "client_assertion" in entra.token_requests[-1].form


def test_s3_5_workload_identity_end_to_end(
    open_store: OpenStore, vault: KeyVaultServer, entra: EntraServer, tmp_path: Path
) -> None:
    (tmp_path / "token").write_text("federated-service-account-token")
    entra.add_federated_token("wi-app", "federated-service-account-token")
    vault.add_secret("s", "v")
    env = {"AZURE_CLIENT_ID": "wi-app", "AZURE_TENANT_ID": TENANT, "AZURE_FEDERATED_TOKEN_FILE": "token"}
    store = open_store({"vaultName": "myvault"}, env=env)
    assert store.get_secret("s", {}) == {"s": "v"}
    assert store.identity().startswith(f"workload identity of app wi-app in tenant {TENANT} (answered)")


@pytest.mark.parametrize(("operation", "permission"), [("get", "list"), ("list", "get")])
def test_s3_5_forbidden_names_the_refused_identity(
    open_store: OpenStore, vault: KeyVaultServer, operation: str, permission: str
) -> None:
    vault.add_secret("s", "top-secret-value")
    vault.permissions = {CLIENT: {permission}}  # the one it lacks is `operation`
    store = open_store()
    with pytest.raises(AccessDenied) as raised:
        store.get_secret("s", {}) if operation == "get" else list(store.list_names())
    message = str(raised.value)
    target = "secret 's'" if operation == "get" else "secrets"
    assert message.startswith(
        f"Key Vault refused the client secret of app {CLIENT} in tenant {TENANT} ({operation} {target}): "
    )
    assert f"does not have secrets {operation} permission" in message
    assert f"grant it the '{operation}' secret permission (access policy) or the Key Vault Secrets User role" in message
    assert "top-secret-value" not in message


# --- throttling and timeouts --------------------------------------------------------------------------


def test_throttled_request_is_retried_after_retry_after(open_store: OpenStore, vault: KeyVaultServer) -> None:
    vault.add_secret("s", "v")
    store = open_store()
    store.get_secret("s", {})  # signed in
    vault.throttle(2, retry_after="0.3")
    assert store.get_secret("s", {}) == {"s": "v"}
    tries = authenticated(vault)[-3:]
    assert [r.status for r in tries] == [429, 429, 200]
    assert tries[1].at - tries[0].at >= 0.3 and tries[2].at - tries[1].at >= 0.3


def test_throttling_gives_up_after_bounded_retries(open_store: OpenStore, vault: KeyVaultServer) -> None:
    vault.add_secret("s", "v")
    store = open_store()
    store.get_secret("s", {})
    vault.throttle(10, retry_after="0.05")
    with pytest.raises(StoreUnreachable, match=r"throttling requests \(HTTP 429, asking to wait 0.05 s\)"):
        store.get_secret("s", {})
    assert [r.status for r in authenticated(vault)[1:]] == [429] * 4  # the request and 3 retries


def test_too_long_retry_after_fails_at_once(open_store: OpenStore, vault: KeyVaultServer) -> None:
    vault.add_secret("s", "v")
    store = open_store()
    store.get_secret("s", {})
    vault.throttle(1, retry_after="3600")
    started = time.monotonic()
    with pytest.raises(StoreUnreachable) as raised:
        store.get_secret("s", {})
    assert time.monotonic() - started < 5
    assert "asking to wait 3600 s" in str(raised.value)
    assert "wait and try again" in raised.value.hint
    assert [r.status for r in authenticated(vault)[1:]] == [429]


def test_unreachable_vault_is_reported(
    open_store: OpenStore, vault: KeyVaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(azure_store, "MAX_RETRIES", 1)  # keep the test fast; the retry is still bounded
    vault.stop()
    with pytest.raises(StoreUnreachable, match="cannot reach Key Vault at https://myvault.vault.azure.net"):
        open_store().get_secret("s", {})


def test_slow_vault_times_out(open_store: OpenStore, vault: KeyVaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(azure_store, "DEFAULT_TIMEOUT", 0.2)
    monkeypatch.setattr(azure_store, "MAX_RETRIES", 0)
    vault.delay = 0.5
    with pytest.raises(StoreTimeout, match="did not answer within 0.2 s"):
        open_store().get_secret("s", {})


def test_close_twice_is_safe(open_store: OpenStore, vault: KeyVaultServer) -> None:
    vault.add_secret("s", "v")
    store = open_store()
    assert store.get_secret("s", {}) == {"s": "v"}
    store.close()
    store.close()


def test_s3_5_token_rejected_by_key_vault_names_the_identity(open_store: OpenStore, vault: KeyVaultServer) -> None:
    vault.add_secret("s", "v")
    vault.authorize = lambda token: None  # e.g. a token for another tenant: 401 even with a bearer token
    with pytest.raises(AccessDenied) as raised:
        open_store().get_secret("s", {})
    assert str(raised.value).startswith(
        f"Key Vault refused the client secret of app {CLIENT} in tenant {TENANT} (get secret 's'): AKV10032"
    )


def test_last_changed_is_the_current_versions_updated_time_value_blind(open_store: OpenStore, vault: KeyVaultServer) -> None:
    """The listing's `updated` (the current version's attributes) dates every secret without a
    call per secret; describe and last_changed say the same, from the versions list, no value read."""
    vault.add_secret("rotated", "old-canary", created=1_764_000_000)
    vault.add_secret("rotated", "new-canary", created=1_764_800_000, updated=1_764_836_400)
    vault.add_secret("once", "once-canary", created=1_700_000_000)
    store = open_store()
    entries = {entry.name: entry for page in store.list_names() for entry in page}
    assert entries["rotated"].changed == LastChanged(datetime(2025, 12, 4, 8, 20, tzinfo=UTC), "updated")
    assert entries["once"].changed == LastChanged(datetime.fromtimestamp(1_700_000_000, UTC), "updated")
    assert store.describe("rotated").last_changed == entries["rotated"].changed
    assert store.last_changed("rotated") == entries["rotated"].changed
    assert vault.value_requests() == []
