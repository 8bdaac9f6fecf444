"""Dapr's Init of the Vault component (dapr-behaviour.md §3.4): metadata, token, prefix, value type, CA
settings. Init never talks to Vault, so behaviour on the wire is checked against the fault server."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest

from dapr_secrets.backends.base import DaprdCrashes, StoreMisconfigured
from dapr_secrets.components.model import Severity
from tests.fakes.tls import make_ca
from tests.fakes.vault_fault import VaultFault


def test_s3_4_init_fails_when_neither_token_nor_mount_path_is_set(make_store):
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultAddr": "http://127.0.0.1:1"})
    assert error.value.message == "token mount path and token not set"
    assert "vaultToken" in error.value.hint


def test_s3_4_init_fails_when_both_token_and_mount_path_are_set(make_store):
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultToken": "t", "vaultTokenMountPath": "/tmp/token"})
    assert error.value.message == "token mount path and token both set"


def test_s3_4_unreadable_token_mount_path_gives_gos_error_text(make_store):
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultTokenMountPath": "missing-token"})
    assert error.value.message == (
        "couldn't read vault token from mount path missing-token err: open missing-token: no such file or directory"
    )


def test_s3_4_token_mount_path_is_read_relative_to_daprd_cwd_and_trimmed(make_store, fault_vault, tmp_path):
    (tmp_path / "token").write_text("  root \n")
    store = make_store({"vaultAddr": fault_vault.url, "vaultTokenMountPath": "token"})
    assert store.get_secret("db", {}) == {"user": "app", "password": "pw"}
    assert fault_vault.requests[0].token == "root"
    assert store.identity() == "token from vaultTokenMountPath token"


def test_s3_4_value_type_is_exactly_map_or_text(make_store):
    assert make_store({"vaultToken": "t"}).value_type == "map"
    assert make_store({"vaultToken": "t", "vaultValueType": "text"}).value_type == "text"
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultToken": "t", "vaultValueType": "Map"})
    assert error.value.message == "vault init error, invalid value type Map, accepted values are map or text"


def test_s3_4_value_type_is_checked_before_the_token_like_dapr(make_store):
    with pytest.raises(StoreMisconfigured, match="invalid value type json"):
        make_store({"vaultValueType": "json"})


def test_s3_4_text_mode_drops_the_multiple_key_values_feature(make_store):
    assert make_store({"vaultToken": "t"}).multi_valued is True
    assert make_store({"vaultToken": "t", "vaultValueType": "text"}).multi_valued is False


def test_s3_4_defaults_address_engine_path_and_prefix(make_store):
    store = make_store({"vaultToken": "t"})
    assert (store.address, store.engine_path, store.prefix) == ("https://127.0.0.1:8200", "secret", "dapr")


@pytest.mark.parametrize(
    ("extra", "expected_path"),
    [
        ({}, "/v1/secret/data/dapr/db?version=0"),
        ({"vaultKVUsePrefix": "true"}, "/v1/secret/data/dapr/db?version=0"),
        ({"vaultKVUsePrefix": "1"}, "/v1/secret/data/dapr/db?version=0"),
        ({"vaultKVUsePrefix": ""}, "/v1/secret/data/db?version=0"),
        ({"vaultKVUsePrefix": "invalidSetting"}, "/v1/secret/data/db?version=0"),
        ({"vaultKVUsePrefix": "false"}, "/v1/secret/data/db?version=0"),
        ({"vaultKVPrefix": ""}, "/v1/secret/data/dapr/db?version=0"),
        ({"vaultKVPrefix": "alt"}, "/v1/secret/data/alt/db?version=0"),
        ({"vaultKVPrefix": "alt", "vaultKVUsePrefix": "no"}, "/v1/secret/data/db?version=0"),
        ({"enginePath": "kv"}, "/v1/kv/data/dapr/db?version=0"),
    ],
)
def test_s3_4_prefix_and_engine_path_rules_on_the_wire(make_store, fault_vault, extra, expected_path):
    store = make_store({"vaultAddr": fault_vault.url, "vaultToken": "root", **extra})
    with contextlib.suppress(Exception):  # only the request path matters here
        store.get_secret("db", {})
    assert [request.path for request in fault_vault.requests][:1] == [expected_path]


def test_s3_4_metadata_names_are_case_insensitive(make_store, fault_vault):
    store = make_store({"VAULTADDR": fault_vault.url, "VaultToken": "root"})
    assert store.get_secret("db", {}) == {"user": "app", "password": "pw"}


def test_s3_duplicate_names_differing_only_by_case_fail_init(make_store):
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultToken": "a", "VAULTTOKEN": "b"})
    assert error.value.message == "failed to resolve aliases: key vaulttoken is duplicate in the metadata"


def test_s3_4_init_never_contacts_vault(make_store, fault_vault):
    make_store({"vaultAddr": fault_vault.url, "vaultToken": "root", "vaultValueType": "text"})
    make_store({"vaultAddr": "http://127.0.0.1:1", "vaultToken": "root"})  # nothing listens there
    assert fault_vault.requests == []


def test_importing_the_backend_imports_no_sdk():
    code = "import sys, dapr_secrets.backends.vault.store; print(sorted(m for m in ('hvac', 'requests') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert result.stdout.strip() == "[]"


# --- CA settings ---------------------------------------------------------------------------------


@pytest.fixture
def ca_pem(tmp_path) -> str:
    return make_ca(tmp_path / "ca").ca_pem.read_text()


def test_s3_4_bad_ca_pem_fails_init_with_daprs_text(make_store):
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultToken": "t", "caPem": "not a certificate"})
    assert error.value.message == "couldn't create client using config: couldn't read PEM"


def test_s3_4_missing_ca_cert_file_fails_init(make_store):
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultToken": "t", "caCert": "nope.pem"})
    assert error.value.message == (
        "couldn't create client using config: couldn't read CA file from disk: open nope.pem: no such file or directory"
    )


def test_s3_4_ca_cert_without_a_certificate_fails_init(make_store, tmp_path):
    (tmp_path / "key.pem").write_text("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
    with pytest.raises(StoreMisconfigured, match="^couldn't create client using config: couldn't read PEM$"):
        make_store({"vaultToken": "t", "caCert": "key.pem"})


def test_s3_4_ca_path_is_walked_recursively_and_every_file_must_parse(make_store, tmp_path, ca_pem):
    (tmp_path / "cas" / "nested").mkdir(parents=True)
    (tmp_path / "cas" / "a.pem").write_text(ca_pem)
    (tmp_path / "cas" / "nested" / "b.pem").write_text(ca_pem)
    make_store({"vaultToken": "t", "caPath": "cas"})  # all good: Init succeeds
    (tmp_path / "cas" / "nested" / "notes.txt").write_text("not a certificate")
    with pytest.raises(StoreMisconfigured) as error:
        make_store({"vaultToken": "t", "caPath": "cas"})
    assert (
        error.value.message
        == "couldn't create client using config: couldn't read certificates at cas: couldn't read PEM"
    )
    assert "notes.txt" in error.value.hint


def test_s3_4_missing_ca_path_makes_daprd_crash(make_store):
    # contrib:secretstores/hashicorp/vault/vault.go readCertificateFolder: filepath.Walk's callback
    # gets a nil FileInfo for a missing root and calls IsDir on it (a panic, not an Init error)
    with pytest.raises(DaprdCrashes) as error:
        make_store({"vaultToken": "t", "caPath": "no-such-dir"})
    assert "caPath no-such-dir does not exist" in error.value.message and "nil pointer" in error.value.message
    make_store({"vaultToken": "t", "caPath": "no-such-dir", "skipVerify": "true"})  # not read at all


def test_s3_4_ca_pem_wins_over_ca_path_and_ca_cert(make_store, ca_pem):
    # The lower-priority settings are broken; Dapr never reads them when caPem is set.
    make_store({"vaultToken": "t", "caPem": ca_pem, "caPath": "no-such-dir", "caCert": "nope.pem"})


def test_s3_4_ca_path_wins_over_ca_cert(make_store, tmp_path, ca_pem):
    (tmp_path / "cas").mkdir()
    (tmp_path / "cas" / "ca.pem").write_text(ca_pem)
    make_store({"vaultToken": "t", "caPath": "cas", "caCert": "nope.pem"})


def test_s3_4_skip_verify_exactly_true_skips_reading_cas(make_store):
    make_store({"vaultToken": "t", "skipVerify": "true", "caPem": "garbage"})
    with pytest.raises(StoreMisconfigured, match="couldn't read PEM"):
        make_store({"vaultToken": "t", "skipVerify": "True", "caPem": "garbage"})


def test_s3_4_skip_verify_in_another_spelling_is_diagnosed(make_store):
    store = make_store({"vaultAddr": "http://127.0.0.1:1", "vaultToken": "t", "skipVerify": "True"})
    codes = {finding.code for finding in store.diagnostics()}
    assert "vault-skipverify-not-true" in codes


def test_s3_4_use_prefix_that_dapr_reads_as_false_is_diagnosed(make_store):
    store = make_store({"vaultAddr": "http://127.0.0.1:1", "vaultToken": "t", "vaultKVUsePrefix": "invalidSetting"})
    codes = [finding.code for finding in store.diagnostics()]
    assert codes == ["vault-prefix-disabled", "vault-unreachable"]
    assert store.prefix == ""


# --- The user's own token (--vault-token-from-env, issue #4) ---------------------------------------


def test_own_token_from_vault_token_env_when_the_component_has_none(make_store, fault_vault):
    store = make_store({"vaultAddr": fault_vault.url}, env={"VAULT_TOKEN": "root"}, options={"vault_token_from_env": True})
    assert store.get_secret("db", {}) == {"user": "app", "password": "pw"}
    assert fault_vault.requests[0].token == "root"
    assert store.identity() == "your own Vault token (VAULT_TOKEN), not the component's"
    finding = next(f for f in store.diagnostics() if f.code == "vault-token-from-env")
    assert finding.severity is Severity.ERROR
    assert "token mount path and token not set" in finding.message


def test_own_token_from_home_vault_token_file(make_store, fault_vault, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".vault-token").write_text("root\n")
    store = make_store({"vaultAddr": fault_vault.url}, options={"vault_token_from_env": True})
    assert store.get_secret("db", {}) == {"user": "app", "password": "pw"}
    assert store.identity() == "your own Vault token (~/.vault-token), not the component's"


def test_own_token_replaces_an_unreadable_mount_path(make_store, fault_vault):
    store = make_store(
        {"vaultAddr": fault_vault.url, "vaultTokenMountPath": "missing"},
        env={"VAULT_TOKEN": "root"},
        options={"vault_token_from_env": True},
    )
    store.get_secret("db", {})
    assert fault_vault.requests[0].token == "root"
    messages = [finding.message for finding in store.diagnostics()]
    assert any("couldn't read vault token from mount path missing" in message for message in messages)


def test_own_token_is_not_used_without_the_option_or_when_the_component_has_one(make_store, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(StoreMisconfigured, match="token mount path and token not set"):
        make_store({}, env={"VAULT_TOKEN": "mine"})
    with pytest.raises(StoreMisconfigured, match="token mount path and token not set"):
        make_store({}, options={"vault_token_from_env": True})  # opted in, but there is no token anywhere
    store = make_store({"vaultToken": "component"}, env={"VAULT_TOKEN": "mine"}, options={"vault_token_from_env": True})
    assert store.identity() == "token from vaultToken"


def test_a_token_that_cannot_be_a_header_is_reported_without_the_token(make_store, fault_vault):
    store = make_store({"vaultAddr": fault_vault.url, "vaultToken": "s.SECRET-TOKEN\nX"})
    with pytest.raises(StoreMisconfigured) as error:
        store.get_secret("db", {})
    assert "SECRET-TOKEN" not in f"{error.value} {error.value.hint}"
    assert error.value.__context__ is None and error.value.__cause__ is None  # nothing chained that quotes it
    assert "HTTP header" in error.value.message


def test_http_proxy_variables_are_ignored_like_dapr(make_store, monkeypatch):
    with VaultFault({"dapr/db": {"k": "v"}}) as vault, VaultFault(upstream="http://127.0.0.1:1") as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        assert store.get_secret("db", {}) == {"k": "v"}
        assert proxy.requests == []
