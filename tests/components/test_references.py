"""dapr-behaviour.md §2.1 (envRef), §2.3 (store selection), §2.6 (key defaults to the name)."""

from __future__ import annotations

import uuid

import pytest

from dapr_secrets.components.loader import load_resources
from dapr_secrets.components.model import Component, MetadataItem, SecretKeyRef, Source
from dapr_secrets.components.references import (
    build_properties,
    build_references,
    env_key_hidden_in_allow_list,
    env_ref_allowed,
    resolve_env_ref,
    uses_env_ref,
)
from tests.helpers.components import component, write


def store(items: tuple[MetadataItem, ...], auth: str = "", name: str = "db") -> Component:
    return Component(name=name, type="state.redis", metadata=items, auth_secret_store=auth, source=Source("c.yaml", 1))


REF = MetadataItem("redisPassword", secret_key_ref=SecretKeyRef("db-secret", "password"), line=9)


def test_s2_3_the_store_is_auth_secret_store():
    (reference,) = build_references([store((REF,), auth="vault")], kubernetes_mode=False)
    assert (reference.component, reference.field, reference.store) == ("db", "redisPassword", "vault")
    assert (reference.secret, reference.key, reference.source) == ("db-secret", "password", Source("c.yaml", 9))


@pytest.mark.parametrize(("kubernetes_mode", "expected"), [(False, ""), (True, "kubernetes")])
def test_s2_3_without_auth_the_store_is_kubernetes_only_in_kubernetes_mode(kubernetes_mode, expected):
    (reference,) = build_references([store((REF,))], kubernetes_mode=kubernetes_mode)
    assert reference.store == expected


def test_s2_6_an_empty_key_means_the_secret_name():
    item = MetadataItem("token", secret_key_ref=SecretKeyRef("api-token"))
    (reference,) = build_references([store((item,), auth="env")], kubernetes_mode=False)
    assert reference.key == "api-token"


def test_s2_1_env_ref_wins_over_secret_key_ref_when_there_is_no_value():
    both = MetadataItem("token", secret_key_ref=SecretKeyRef("s"), env_ref="TOKEN")
    assert uses_env_ref(both)
    assert build_references([store((both,), auth="env")], kubernetes_mode=False) == []


def test_s2_1_a_value_beside_env_ref_keeps_the_secret_key_ref_with_a_fallback():
    item = MetadataItem("token", value="literal", secret_key_ref=SecretKeyRef("s"), env_ref="TOKEN")
    (reference,) = build_references([store((item,), auth="env")], kubernetes_mode=False)
    assert reference.has_fallback_value and not uses_env_ref(item)


def test_s2_references_come_from_loaded_files_in_order(tmp_path):
    """The Key Vault certification setup (§5.1): every field from an env store, name = key."""
    body = "metadata:\n" + "".join(
        f"- name: {field}\n  secretKeyRef: {{name: {env}, key: {env}}}\n"
        for field, env in [("vaultName", "AzureKeyVaultName"), ("azureClientSecret", "AzureKeyVaultClientSecret")]
    )
    write(
        tmp_path,
        "keyvault.yaml",
        component(
            name="kv", kind="secretstores.azure.keyvault", body=body, top="auth: {secretStore: envvar-secret-store}"
        ),
    )
    write(tmp_path, "localsecrets.yaml", component(name="envvar-secret-store", kind="secretstores.local.env"))
    references = build_references(load_resources([str(tmp_path)]).components, kubernetes_mode=False)
    assert [(r.component, r.field, r.store, r.secret, r.key, r.source.line) for r in references] == [
        ("kv", "vaultName", "envvar-secret-store", "AzureKeyVaultName", "AzureKeyVaultName", 9),
        (
            "kv",
            "azureClientSecret",
            "envvar-secret-store",
            "AzureKeyVaultClientSecret",
            "AzureKeyVaultClientSecret",
            11,
        ),
    ]


# TestIsEnvVarAllowed (dapr:pkg/runtime/processor/secret/secret_test.go).
@pytest.mark.parametrize(
    ("name", "allowed"),
    [("", False), ("FOO", True), ("DAPR_TEST", False), ("dapr_foo", False), ("APP_API_TOKEN", False)]
    + [("app_api_token", False), ("FOO BAR", False)],
)
def test_s2_1_env_var_allowed_without_allowlist(name, allowed):
    assert env_ref_allowed(name) is allowed


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("FOO", True),
        ("BAR", True),
        ("TEST", True),
        ("foo", True),
        ("FO", False),
        ("EST", False),
        ("BA", False),
        ("AR", False),
    ],
)
def test_s2_1_env_var_allowed_with_dapr_env_keys(name, allowed):
    assert env_ref_allowed(name, "FOO BAR TEST") is allowed


def test_s2_1_only_the_first_occurrence_in_dapr_env_keys_counts():
    # dapr:pkg/runtime/processor/secret/secret.go isEnvVarAllowed: strings.Index finds the first
    # occurrence only, so FOO inside MYFOO or FOOBAR hides a later whole-word FOO.
    assert env_ref_allowed("FOO", "MYFOO FOO") is False
    assert env_ref_allowed("foo", "FOOBAR FOO") is False
    assert env_ref_allowed("FOO", "BAR FOO") is True
    assert env_key_hidden_in_allow_list("FOO", "MYFOO FOO") is True
    assert env_key_hidden_in_allow_list("FOO", "BAR FOO") is False
    assert env_key_hidden_in_allow_list("FOO", "MYFOO") is False  # not in the list at all: plainly refused


def test_s2_1_resolve_env_ref():
    item = MetadataItem("token", env_ref="MY_TOKEN")
    assert resolve_env_ref(item, {"MY_TOKEN": "t"}) == "t"
    assert resolve_env_ref(item, {}) == ""
    assert resolve_env_ref(item, {"MY_TOKEN": "t", "DAPR_ENV_KEYS": "OTHER"}) == ""
    assert resolve_env_ref(MetadataItem("x", env_ref="DAPR_API_TOKEN"), {"DAPR_API_TOKEN": "t"}) == ""
    assert resolve_env_ref(MetadataItem("x", value="v", env_ref="MY_TOKEN"), {"MY_TOKEN": "t"}) is None
    assert resolve_env_ref(MetadataItem("x", value=""), {"": "t"}) is None


# --- §1.2 template tags, applied when the property map is built ---------------------------------


def test_s1_2_each_uuid_is_new_and_app_tags_are_filled():
    properties = build_properties(
        [("consumer", "{uuid}-{uuid}"), ("ns", "{namespace}"), ("id", "{appID}"), ("none", None)],
        app_id="orders",
        namespace=None,
    )
    first, second = properties["consumer"][:36], properties["consumer"][37:]
    assert first != second and len(second) == 36 and str(uuid.UUID(first)) == first
    assert properties["ns"] == "default.orders" and properties["id"] == "orders" and properties["none"] == ""
    assert build_properties([("ns", "{namespace}")], app_id="a", namespace="prod") == {"ns": "prod.a"}
    assert build_properties([("ns", "{namespace}")], app_id="a", namespace="") == {"ns": ".a"}


def test_s1_2_pod_name_comes_from_pod_name_only_an_unset_one_fails():
    # dapr:pkg/runtime/meta/meta.go convertItemsToProps; runtime.go passes os.Getenv("POD_NAME")
    with pytest.raises(ValueError, match=r"property group refers to \{podName\} but podName is not set"):
        build_properties([("group", "g-{podName}")], app_id="a", namespace=None)
    assert build_properties([("group", "g-{podName}")], app_id="a", namespace=None, pod_name="p") == {"group": "g-p"}


def test_s1_2_later_items_with_the_same_name_win():
    assert build_properties([("a", "1"), ("b", "2"), ("a", "3")], app_id="x", namespace=None) == {"a": "3", "b": "2"}


@pytest.mark.parametrize(
    "name, expected",
    [("redisPassword", True), ("vaultToken", True), ("azureClientSecret", True), ("accessKey", True),
     ("connectionString", True), ("masterKey", True), ("securityTokenHeader", False), ("redisHost", False),
     ("partitionKey", False), ("vaultKVPrefix", False)],
)
def test_looks_like_secret_field(name, expected):
    from dapr_secrets.components.references import looks_like_secret_field

    assert looks_like_secret_field(name) is expected
