"""Errors, timeouts and request shapes, against the fault-injecting Vault server (tests/fakes/vault_fault.py)."""

from __future__ import annotations

import socket
import time

import pytest

from dapr_secrets.backends.base import (
    AccessDenied,
    SecretNotFound,
    StoreError,
    StoreMisconfigured,
    StoreTimeout,
    StoreUnreachable,
)
from tests.fakes.vault_fault import Recorded, VaultFault


@pytest.fixture
def store(make_store, fault_vault):
    return make_store({"vaultAddr": fault_vault.url, "vaultToken": "root"})


def test_s3_4_get_sends_daprs_request(store, fault_vault):
    store.get_secret("db", {})
    (request,) = fault_vault.requests
    assert (request.method, request.path, request.token) == ("GET", "/v1/secret/data/dapr/db?version=0", "root")
    assert request.headers.get("X-Vault-Request") == "true"


@pytest.mark.parametrize(
    ("metadata", "query"), [({}, "version=0"), ({"version_id": ""}, "version="), ({"version_id": "1"}, "version=1")]
)
def test_s3_4_version_id_is_passed_as_given_even_when_empty(store, fault_vault, metadata, query):
    store.get_secret("db", metadata)
    assert fault_vault.requests[0].path == f"/v1/secret/data/dapr/db?{query}"


def test_s3_4_nested_names_are_inserted_unescaped(store, fault_vault):
    assert store.get_secret("folder/sub/b", {}) == {"k": "b"}
    assert fault_vault.requests[0].path == "/v1/secret/data/dapr/folder/sub/b?version=0"


def test_s3_4_null_data_is_a_nil_map(make_store):
    with VaultFault({"dapr/nulldata": None}) as vault:
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        assert store.get_secret("nulldata", {}) is None
        assert store.bulk_get({}) == {"nulldata": {}}  # Dapr's bulk copies into a fresh map
        text = make_store({"vaultAddr": vault.url, "vaultToken": "root", "vaultValueType": "text"})
        assert text.get_secret("nulldata", {}) == {"nulldata": ""}


def test_listing_a_folder_makes_exactly_one_list_and_no_get(store, fault_vault):
    pages = list(store.list_names(""))
    assert fault_vault.requests == [Recorded("LIST", "/v1/secret/metadata/dapr", "root")]
    assert [(entry.name, entry.is_folder) for page in pages for entry in page] == [("db", False), ("folder/", True)]
    fault_vault.reset()
    pages = list(store.list_names("folder/"))
    assert fault_vault.requests == [Recorded("LIST", "/v1/secret/metadata/dapr/folder", "root")]
    assert [entry.name for page in pages for entry in page] == ["folder/a", "folder/sub/"]


def test_s3_4_wrong_token_is_access_denied_with_a_policy_hint_and_no_token(make_store, fault_vault):
    store = make_store({"vaultAddr": fault_vault.url, "vaultToken": "s.wrong-token"})
    with pytest.raises(AccessDenied) as error:
        store.get_secret("db", {})
    assert (
        error.value.message
        == 'couldn\'t get successful response, status code 403, body {"errors":["permission denied"]}'
    )
    assert "read on secret/data/dapr/db" in error.value.hint
    assert "wrong-token" not in f"{error.value} {error.value.hint}"
    with pytest.raises(AccessDenied) as error:
        list(store.list_names("folder/"))
    assert "list on secret/metadata/dapr/folder" in error.value.hint


def test_s3_4_server_error_keeps_only_vaults_error_list(store, fault_vault):
    fault_vault.fail(500, ["internal error"])
    with pytest.raises(StoreError) as error:
        store.get_secret("db", {})
    assert (
        error.value.message == 'couldn\'t get successful response, status code 500, body {"errors":["internal error"]}'
    )


@pytest.mark.parametrize(
    "body",
    [b'{"errors":["boom"],"data":{"data":{"password":"hunter2"}}}', b"<html>hunter2</html>"],
)
def test_an_error_body_that_could_hold_a_value_never_reaches_the_message(store, fault_vault, body):
    fault_vault.fail(500, body=body)
    with pytest.raises(StoreError) as error:
        store.get_secret("db", {})
    assert "hunter2" not in f"{error.value} {error.value.hint}"
    assert "status code 500" in error.value.message


def test_sealed_vault_is_unreachable(store, fault_vault):
    fault_vault.fail(503, ["Vault is sealed"])
    with pytest.raises(StoreUnreachable) as error:
        store.get_secret("db", {})
    assert "Vault is sealed" in error.value.message
    assert "unseal" in error.value.hint
    with pytest.raises(StoreUnreachable):
        store.bulk_get({})


def test_s3_4_404_is_daprs_not_found(store):
    with pytest.raises(SecretNotFound) as error:
        store.get_secret("nope", {})
    assert error.value.message == "getSecret nope failed secret key or version not exist"


def test_a_slow_vault_times_out(store, fault_vault):
    store.timeout = 0.2
    fault_vault.slow(2.0, method="GET")
    started = time.monotonic()
    with pytest.raises(StoreTimeout) as error:
        store.get_secret("db", {})
    assert time.monotonic() - started < 1.5
    assert fault_vault.url in error.value.message


def test_a_slow_list_times_out_the_listing_only(store, fault_vault):
    store.timeout = 0.2
    fault_vault.slow(2.0, method="LIST")
    with pytest.raises(StoreTimeout):
        list(store.list_names(""))
    assert store.get_secret("db", {}) == {"user": "app", "password": "pw"}


def test_connection_refused_is_worded_like_daprds_go_error(make_store):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        address = f"http://127.0.0.1:{unused.getsockname()[1]}"
    store = make_store({"vaultAddr": address, "vaultToken": "root"})
    with pytest.raises(StoreUnreachable) as error:
        store.get_secret("db", {})
    host_port = address.removeprefix("http://")
    # vault.go getSecret: fmt.Errorf("couldn't get secret: %w", err) of net/http's *url.Error.
    assert error.value.message == (
        f'couldn\'t get secret: Get "{address}/v1/secret/data/dapr/db?version=0": '
        f"dial tcp {host_port}: connect: connection refused"
    )
    with pytest.raises(StoreUnreachable) as error:
        store.bulk_get({})  # listKeysUnderPath: the same wrapping, with the LIST method
    assert error.value.message.startswith(f'couldn\'t get secret: List "{address}/v1/secret/metadata/dapr/": dial tcp')


def test_unresolvable_host_is_worded_like_daprds_go_error(make_store, monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)  # the resolver, not our code: stays offline
    store = make_store({"vaultAddr": "http://vault.invalid:8200", "vaultToken": "root"})
    with pytest.raises(StoreUnreachable) as error:
        store.get_secret("db", {})
    # vault.go getSecret wraps Go's *url.Error: `couldn't get secret: Get "URL": dial tcp: lookup HOST: ...`
    assert error.value.message == (
        'couldn\'t get secret: Get "http://vault.invalid:8200/v1/secret/data/dapr/db?version=0": '
        "dial tcp: lookup vault.invalid: no such host"
    )


def test_an_address_without_scheme_fails_on_use_not_at_init(make_store):
    store = make_store({"vaultAddr": "127.0.0.1:8200", "vaultToken": "root"})
    with pytest.raises(StoreMisconfigured, match="vaultAddr"):
        store.get_secret("db", {})


# --- bulk ------------------------------------------------------------------------------------------


def test_s3_4_bulk_lists_recursively_then_reads_every_secret(store, fault_vault):
    assert store.bulk_get({}) == {
        "db": {"user": "app", "password": "pw"},
        "folder/a": {"k": "a"},
        "folder/sub/b": {"k": "b"},
    }
    lists = [request.path for request in fault_vault.requests if request.method == "LIST"]
    assert lists == [
        "/v1/secret/metadata/dapr",
        "/v1/secret/metadata/dapr/folder",
        "/v1/secret/metadata/dapr/folder/sub",
    ]


def test_s3_4_bulk_skips_404s_and_fails_on_other_errors(store, fault_vault):
    fault_vault.fail(404, path_contains="/data/dapr/folder/a")
    assert set(store.bulk_get({})) == {"db", "folder/sub/b"}
    fault_vault.fail(500, ["bad"], path_contains="/data/dapr/db")
    with pytest.raises(StoreError, match="status code 500"):
        store.bulk_get({})


def test_s3_4_bulk_reads_concurrently_but_reports_the_first_error_in_daprs_order(make_store):
    secrets = {f"dapr/s{index:02}": {"k": str(index)} for index in range(40)}
    with VaultFault(secrets, delay=0.02) as vault:
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        assert store.bulk_get({}) == {name.removeprefix("dapr/"): data for name, data in secrets.items()}
        assert vault.max_in_flight > 1
        # s03 fails slowly, s30 fails at once: a sequential loop meets s03 first, so must we.
        vault.fail(500, ["first"], delay=0.3, path_contains="/s03?")
        vault.fail(500, ["later"], path_contains="/s30?")
        with pytest.raises(StoreError) as error:
            store.bulk_get({})
        assert '"first"' in error.value.message


def test_s3_4_an_empty_prefix_folder_fails_bulk_and_list_alike(make_store):
    with VaultFault({"elsewhere/x": {"k": "v"}}) as vault:
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        with pytest.raises(StoreError) as error:
            store.bulk_get({})
        assert error.value.message == (
            "list keys couldn't get successful response, status code: 404, status: 404 Not Found, "
            'response {"errors":[]}'
        )
        # listKeysUnderPath fails on the 404, so `list` says what bulk would instead of listing nothing
        with pytest.raises(StoreError) as listed:
            list(store.list_names(""))
        assert listed.value.message == error.value.message and "Dapr's bulk fails" in listed.value.hint
