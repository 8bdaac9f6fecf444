"""The demo folder stays valid: its stores open from the repository root (daprd's cwd in the demo)
and every reference resolves, except the two that are broken on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dapr_secrets.backends.base import SecretNotFound, SecretStore, StoreContext
from dapr_secrets.backends.local_env import LocalEnvStore
from dapr_secrets.backends.local_file import LocalFileStore

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = REPO_ROOT / "examples" / "components"
DEMO_ENV = {"DEMO_API_TOKEN": "demo-token-not-real", "DEMO_SMTP_PASSWORD": "demo-smtp-password-not-real"}
BROKEN_ON_PURPOSE = {"legacy-hook", "audit-log"}


def demo_components() -> dict[str, dict]:
    found = {}
    for path in sorted(COMPONENTS.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        assert document["apiVersion"] == "dapr.io/v1alpha1" and document["kind"] == "Component", path
        found[document["metadata"]["name"]] = document
    return found


def secret_refs(component: dict) -> list[tuple[str, str]]:
    """(secret name, effective key) of each secretKeyRef item."""
    refs = []
    for item in component["spec"].get("metadata", []):
        ref = item.get("secretKeyRef")
        if ref:
            refs.append((ref["name"], ref.get("key") or ref["name"]))
    return refs


def open_store(component: dict, stores: dict[str, SecretStore]) -> SecretStore:
    """Resolve the store's own metadata (the chained store's secretKeyRef) and open it."""
    properties = {}
    for item in component["spec"].get("metadata", []):
        ref = item.get("secretKeyRef")
        if ref:
            source = stores[component["auth"]["secretStore"]]
            properties[item["name"]] = source.get_secret(ref["name"], {})[ref.get("key") or ref["name"]]
        else:
            properties[item["name"]] = str(item["value"])
    context = StoreContext(env=DEMO_ENV, cwd=str(REPO_ROOT))
    kind = {"secretstores.local.file": LocalFileStore, "secretstores.local.env": LocalEnvStore}[component["spec"]["type"]]
    return kind(component["metadata"]["name"], properties, context)


@pytest.fixture(scope="module")
def stores() -> dict[str, SecretStore]:
    components = demo_components()
    opened: dict[str, SecretStore] = {}
    for name in ("demo-file", "demo-multi", "demo-env", "demo-chained"):  # dependency order
        opened[name] = open_store(components[name], opened)
    return opened


def test_demo_stores_hold_the_documented_names(stores: dict[str, SecretStore]) -> None:
    file_names = [entry.name for page in stores["demo-file"].list_names() for entry in page]
    assert {"redis:password", "redis:port", "api:orders-key", "api:settings", "tls:signing-key", "feature-flags:0"} <= set(file_names)
    assert stores["demo-file"].get_secret("redis:port", {}) == {"redis:port": "%!s(float64=6379)"}
    assert "FAKE" in stores["demo-file"].get_secret("tls:signing-key", {})["tls:signing-key"]
    assert stores["demo-multi"].get_secret("redis", {}).keys() == {"username", "password"}
    with pytest.raises(SecretNotFound):
        stores["demo-multi"].get_secret("max-connections", {})
    assert stores["demo-env"].get_secret("API_TOKEN", {}) == {"API_TOKEN": "demo-token-not-real"}
    assert list(stores["demo-chained"].bulk_get({})) == ["payments:gateway-key"]


def test_demo_shows_the_go_quirks_in_doctor(stores: dict[str, SecretStore]) -> None:
    assert [(d.code, d.secret) for d in stores["demo-file"].diagnostics()] == [("non-string-value", "redis:port")]
    assert [(d.code, d.secret) for d in stores["demo-multi"].diagnostics()] == [("multivalued-dropped", "max-connections")]


def test_demo_references_resolve_except_the_broken_ones(stores: dict[str, SecretStore]) -> None:
    for name, component in demo_components().items():
        for secret, key in secret_refs(component):
            store_name = component.get("auth", {}).get("secretStore", "")
            if name in BROKEN_ON_PURPOSE:
                assert not store_name or key not in stores[store_name].get_secret(secret, {}), name
            else:
                assert stores[store_name].get_secret(secret, {}).get(key), f"{name}: {secret}[{key}]"


def test_demo_values_are_obviously_fake(stores: dict[str, SecretStore]) -> None:
    for store in stores.values():
        for secret in (store.bulk_get({}) or {}).values():
            for value in secret.values():
                assert any(word in value for word in ("demo", "not-real", "not-a-real", "FAKE", "example", "%!s")), value


def test_demo_config_scopes_name_demo_stores() -> None:
    """examples/config.yaml (passed with --config) scopes stores that exist, for the README's story."""
    config = yaml.safe_load((REPO_ROOT / "examples" / "config.yaml").read_text())
    scopes = {scope["storeName"]: scope for scope in config["spec"]["secrets"]["scopes"]}
    assert scopes.keys() <= demo_components().keys()
    assert scopes["demo-file"]["allowedSecrets"] and scopes["demo-env"]["defaultAccess"] == "deny"
