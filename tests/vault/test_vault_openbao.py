"""The Vault store against a real OpenBao dev server seeded with Dapr's conformance and certification
data (dapr-behaviour.md §3.4, §5). Each test reads its own mount or prefix (see conftest.seed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dapr_secrets.backends.base import AccessDenied, SecretNotFound, StoreError, parse_time
from dapr_secrets.components.model import Severity
from tests.fakes.vault_fault import VaultFault

pytestmark = pytest.mark.integration


@pytest.fixture
def vault(openbao, make_store):
    """vault(**metadata) -> a store on the OpenBao server with the root token."""

    def make(**properties: str):
        return make_store({"vaultAddr": openbao.url, "vaultToken": "root", **properties})

    return make


def names(store, folder: str = "") -> list[tuple[str, bool]]:
    return [(entry.name, entry.is_folder) for page in store.list_names(folder) for entry in page]


# --- Conformance (§5) and certification (§3.4) -------------------------------------------------------


def test_s5_conformance_get_and_bulk(vault):
    store = vault()
    assert store.get_secret("conftestsecret", {}) == {"conftestsecret": "abcd"}
    bulk = store.bulk_get({})
    assert bulk["conftestsecret"] == {"conftestsecret": "abcd"}
    assert bulk["secondsecret"] == {"secondsecret": "efgh"}


def test_s3_4_certification_default_config(vault):
    store = vault()
    assert store.get_secret("multiplekeyvaluessecret", {}) == {"first": "1", "second": "2", "third": "3"}
    for outside in ("secretUnderAlternativePrefix", "secretWithNoPrefix"):
        with pytest.raises(SecretNotFound) as error:
            store.get_secret(outside, {})
        assert error.value.message == f"getSecret {outside} failed secret key or version not exist"


def test_s3_4_certification_alternative_prefix(vault):
    store = vault(vaultKVPrefix="alternativePrefix")
    assert store.get_secret("secretUnderAlternativePrefix", {}) == {"altPrefixKey": "altPrefixValue"}


def test_s3_4_certification_prefix_disabled(vault):
    store = vault(vaultKVUsePrefix="false")
    assert store.get_secret("secretWithNoPrefix", {}) == {"noPrefixKey": "noProblem"}
    with pytest.raises(SecretNotFound):
        store.get_secret("multiplekeyvaluessecret", {})
    assert store.get_secret("dapr/multiplekeyvaluessecret", {}) == {"first": "1", "second": "2", "third": "3"}


def test_s3_4_certification_custom_engine_path(vault):
    store = vault(enginePath="customSecretsPath")
    assert store.get_secret("secretUnderCustomPath", {}) == {"the": "trick", "was": "the", "path": "parameter"}
    assert store.bulk_get({}) == {"secretUnderCustomPath": {"the": "trick", "was": "the", "path": "parameter"}}


def test_s3_4_certification_text_mode(vault):
    store = vault(vaultValueType="text")
    assert store.get_secret("secondsecret", {}) == {"secondsecret": '{"secondsecret":"efgh"}'}
    assert store.bulk_get({})["secondsecret"] == {"secondsecret": '{"secondsecret":"efgh"}'}


def test_s3_4_text_mode_returns_vaults_raw_json_not_a_reserialisation(vault):
    text = vault(enginePath="types", vaultValueType="text").get_secret("ordered", {})["ordered"]
    assert text == '{"a":"é","b":"\\u003cx\\u003e","n":1}'  # Go's escaping, as Vault sent it


def test_s3_4_text_mode_keys_are_full_paths(vault):
    bulk = vault(enginePath="tree", vaultValueType="text").bulk_get({})
    assert bulk["folder/sub/b"] == {"folder/sub/b": '{"k":"b"}'}


def test_s3_4_certification_versions(vault):
    store = vault(vaultKVPrefix="versioning")
    assert store.get_secret("versionedKey", {}) == {"versionedKey": "latestValue"}
    assert store.get_secret("versionedKey", {"version_id": "2"}) == {"versionedKey": "secondVersion"}
    assert store.get_secret("versionedKey", {"version_id": ""}) == {"versionedKey": "latestValue"}
    with pytest.raises(SecretNotFound) as error:
        store.get_secret("versionedKey", {"version_id": "9"})
    assert "version 9" in error.value.hint


def test_s3_4_bulk_version_id_applies_to_every_secret_and_missing_versions_are_skipped(vault):
    assert vault(enginePath="tree").bulk_get({"version_id": "2"}) == {"twoversions": {"k": "two"}}


def test_s3_4_bad_version_id_fails_with_vaults_error(vault):
    with pytest.raises(StoreError) as error:
        vault(vaultKVPrefix="versioning").get_secret("versionedKey", {"version_id": "abc"})
    assert error.value.message.startswith('couldn\'t get successful response, status code 400, body {"errors":[')


# --- Map mode decoding -------------------------------------------------------------------------------


def test_s3_4_map_mode_nulls_become_empty_strings_and_empty_data_is_an_empty_map(vault):
    store = vault(enginePath="tree")
    assert store.get_secret("nulls", {}) == {"a": "", "b": "x"}
    assert store.get_secret("emptydata", {}) == {}


@pytest.mark.parametrize(
    ("secret", "kind", "key"),
    [("numbers", "number", "n"), ("bools", "bool", "flag"), ("objects", "object", "o"), ("arrays", "array", "l")],
)
def test_s3_4_map_mode_fails_on_any_non_string_value(vault, secret, kind, key):
    with pytest.raises(StoreError) as error:
        vault(enginePath="types").get_secret(secret, {})
    assert error.value.message == (
        f"couldn't decode response body: json: cannot unmarshal {kind} into Go struct field .data.data of type string"
    )
    assert f"{key} ({kind})" in error.value.hint
    assert "s3cr3t-string" not in f"{error.value} {error.value.hint}"


def test_s3_4_one_non_string_value_fails_the_whole_bulk(vault):
    with pytest.raises(StoreError, match="cannot unmarshal array"):  # "arrays" is read first in Dapr's order
        vault(enginePath="types").bulk_get({})
    assert vault(enginePath="types", vaultValueType="text").get_secret("numbers", {}) == {
        "numbers": '{"n":1,"s":"s3cr3t-string"}'
    }


# --- Folders, bulk, soft deletes ---------------------------------------------------------------------


def test_s3_4_bulk_recurses_folders_and_skips_the_soft_deleted_latest_version(vault):
    assert vault(enginePath="tree").bulk_get({}) == {
        "emptydata": {},
        "folder/a": {"k": "a"},
        "folder/sub/b": {"k": "b"},
        "nulls": {"a": "", "b": "x"},
        "top": {"k": "top"},
        "twoversions": {"k": "two"},
    }


def test_list_names_shows_one_folder_at_a_time(vault):
    store = vault(enginePath="tree")
    assert store.hierarchical
    assert names(store) == [
        ("deleted", False),
        ("emptydata", False),
        ("folder/", True),
        ("nulls", False),
        ("top", False),
        ("twoversions", False),
    ]
    assert names(store, "folder/") == [("folder/a", False), ("folder/sub/", True)]
    assert names(store, "folder") == names(store, "folder/")
    assert names(store, "folder/sub/") == [("folder/sub/b", False)]


def test_soft_deleted_latest_version_is_listed_but_not_gettable_and_explained(vault):
    store = vault(enginePath="tree")
    with pytest.raises(SecretNotFound):
        store.get_secret("deleted", {})
    details = store.describe("deleted")
    assert [version.state for version in details.versions] == ["deleted"]
    assert any("bulk skips it" in note for note in details.notes)
    findings = [f for f in store.diagnostics() if f.code == "vault-latest-version-deleted"]
    assert [finding.secret for finding in findings] == ["deleted"]


def test_describe_shows_versions_and_metadata_without_values(vault):
    store = vault(enginePath="tree")
    details = store.describe("twoversions")
    assert [(version.id, version.state) for version in details.versions] == [("2", "current"), ("1", "")]
    assert details.attributes["current version"] == "2"
    assert details.versions[0].created
    assert details.notes == ()
    assert store.get_secret("twoversions", {"version_id": "1"}) == {"k": "one"}
    assert "two" not in repr(details) and "one" not in repr(details)


def test_describe_notes_values_dapr_cannot_decode(vault):
    details = vault(enginePath="types").describe("numbers")
    assert any("n (number)" in note and "Dapr's GET fails" in note for note in details.notes)
    assert "s3cr3t-string" not in repr(details)


def test_diagnostics_finds_non_string_values_in_map_mode_only(vault):
    findings = vault(enginePath="types").diagnostics()
    flagged = sorted(f.secret for f in findings if f.code == "vault-non-string-values")
    assert flagged == ["arrays", "bools", "numbers", "objects", "ordered"]
    assert all("s3cr3t-string" not in f"{f.message} {f.hint}" for f in findings)
    assert vault(enginePath="types", vaultValueType="text").diagnostics() == []


# --- Empty folders, hidden secrets, missing mounts, KV v1 -------------------------------------------


def test_empty_mount_fails_bulk_and_list_alike_with_vaults_body_untrimmed(vault):
    # contrib vault.go listKeysUnderPath: a 404 on the first LIST fails the bulk, with Vault's body as
    # read (b.String(): its trailing newline kept); `list` says the same instead of listing nothing.
    store = vault(enginePath="empty")
    with pytest.raises(StoreError) as error:
        store.bulk_get({})
    assert error.value.message == (
        "list keys couldn't get successful response, status code: 404, status: 404 Not Found, "
        'response {"errors":[]}\n'
    )
    with pytest.raises(StoreError) as listed:
        names(store)
    assert listed.value.message == error.value.message
    assert [f.code for f in store.diagnostics()] == ["vault-bulk-fails-empty"]


def test_a_prefix_that_hides_the_secrets_is_diagnosed(vault):
    findings = vault(enginePath="hidden").diagnostics()
    assert [f.code for f in findings] == ["vault-bulk-fails-empty", "vault-prefix-hides-secrets"]
    assert "vaultKVUsePrefix" in findings[1].hint
    assert vault(enginePath="hidden", vaultKVUsePrefix="false").bulk_get({}) == {
        "atroot": {"k": "v"},
        "other/x": {"k": "v"},
    }


def test_a_missing_engine_path_is_explained(vault):
    store = vault(enginePath="nomount")
    with pytest.raises(SecretNotFound) as error:
        store.get_secret("x", {})
    assert "enginePath" in error.value.hint
    assert [(f.severity, f.code) for f in store.diagnostics()] == [(Severity.ERROR, "vault-no-engine")]


def test_kv_v1_mount_is_browsable_but_every_read_fails_like_dapr(vault, openbao):
    store = vault(enginePath="kv1")
    assert names(store) == [("v1secret", False)]
    with pytest.raises(StoreError) as error:
        store.get_secret("v1secret", {})
    assert not isinstance(error.value, SecretNotFound)
    assert "KV version 1" in error.value.hint
    assert f"GET {openbao.url}/v1/kv1/data/dapr/v1secret?version=0" in error.value.hint
    with pytest.raises(StoreError) as error:
        store.bulk_get({})
    assert "status code: 404" in error.value.message and "KV version 1" in error.value.hint
    assert [f.code for f in store.diagnostics()] == ["vault-kv-v1"]
    assert any("KV version 1" in note for note in store.describe("v1secret").notes)


# --- Access ------------------------------------------------------------------------------------------


def test_a_restricted_token_reads_its_paths_and_is_denied_elsewhere(make_store, openbao, reader_token):
    store = make_store({"vaultAddr": openbao.url, "vaultToken": reader_token})
    assert store.get_secret("conftestsecret", {}) == {"conftestsecret": "abcd"}
    outside = make_store({"vaultAddr": openbao.url, "vaultToken": reader_token, "vaultKVUsePrefix": "false"})
    with pytest.raises(AccessDenied) as error:
        outside.get_secret("secretWithNoPrefix", {})
    assert "read on secret/data/secretWithNoPrefix" in error.value.hint
    assert reader_token not in f"{error.value} {error.value.hint}"
    with pytest.raises(AccessDenied) as error:
        list(outside.list_names(""))
    assert "list on secret/metadata" in error.value.hint


def test_last_changed_is_the_kv_metadata_updated_time_read_without_the_value(openbao, make_store):
    """Vault KV v2 metadata's updated_time: when the newest version was written. last_changed asks
    the metadata endpoint only (no GET on data/), through a recording proxy."""
    with VaultFault(upstream=openbao.url) as proxy:
        store = make_store({"vaultAddr": proxy.url, "vaultToken": "root", "enginePath": "tree"})
        changed = store.last_changed("twoversions")
        assert [r.path for r in proxy.requests] == ["/v1/tree/metadata/dapr/twoversions"]
        details = store.describe("twoversions")
    assert changed is not None and changed.source == "updated" and changed.when.tzinfo == UTC
    assert changed == details.last_changed
    newest = parse_time(details.versions[0].created)  # version 2 was the last write
    assert newest is not None and abs(changed.when - newest) < timedelta(seconds=1)
    assert abs(datetime.now(UTC) - changed.when) < timedelta(hours=1)  # written by this session's seed
    with pytest.raises(SecretNotFound):
        store.last_changed("no-such-secret")
