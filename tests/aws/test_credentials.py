"""Credentials, region and endpoint as Dapr's contrib common/aws builds them (dapr-cloud-stores.md
§2.2), checked against moto's real server, and what the detail pane says answered (never a key)."""

from __future__ import annotations

import pytest

from dapr_secrets.backends.base import StoreMisconfigured
from tests.helpers.aws import KEYS, REGION

SECRET_KEY = "env-secret-key-value"


def test_a1_static_keys_need_both_access_and_secret_key(sm, aws, open_sm):
    # contrib common/aws/auth/auth_static.go newAuthStatic: static only if both are non-empty
    sm.create_secret(Name="x", SecretString="y")
    only_access = open_sm({"region": REGION, "endpoint": aws, "accessKey": "AKIAONLYACCESSKEY000"},
                          env={"AWS_ACCESS_KEY_ID": "AKIAFROMENVIRONMENT1", "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
    assert only_access.get_secret("x", {}) == {"x": "y"}
    assert "environment variables AWS_ACCESS_KEY_ID" in only_access.identity()
    both = open_sm()
    both.get_secret("x", {})
    assert both.identity().startswith("static keys from the component's accessKey/secretKey (access key ID AKIA…LE12) (answered)")


def test_a1_session_token_is_used_with_static_keys_and_shown_without_its_value(sm, aws, open_sm):
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm({"region": REGION, "endpoint": aws, **KEYS, "sessionToken": "token-value-never-shown"})
    assert store.get_secret("x", {}) == {"x": "y"}
    identity = store.identity()
    assert "with sessionToken" in identity
    for secret in ("token-value-never-shown", KEYS["secretKey"], KEYS["accessKey"]):
        assert secret not in identity


def test_a1_default_chain_accepts_the_go_sdks_aws_access_key_alias(sm, aws, open_sm):
    # aws-sdk-go-v2 config/env_config.go: AWS_ACCESS_KEY / AWS_SECRET_KEY are read too
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm({"region": REGION, "endpoint": aws}, env={"AWS_ACCESS_KEY": "AKIAALIASEDKEY000001", "AWS_SECRET_KEY": SECRET_KEY})
    assert store.get_secret("x", {}) == {"x": "y"}
    assert "AWS_ACCESS_KEY / AWS_SECRET_KEY" in store.identity() and SECRET_KEY not in store.identity()


def test_a1_default_chain_reads_the_shared_credentials_profile(sm, aws, open_sm, tmp_path, monkeypatch):
    # contrib auth.go: no static keys -> LoadDefaultConfig's chain (shared files, AWS_PROFILE)
    sm.create_secret(Name="x", SecretString="y")
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[team]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = {SECRET_KEY}\n")
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    store = open_sm({"region": REGION, "endpoint": aws}, env={"AWS_PROFILE": "team"})
    assert store.get_secret("x", {}) == {"x": "y"}
    assert "AWS default chain: shared credentials file (~/.aws/credentials), profile team (answered)" in store.identity()


def test_a1_missing_profile_is_explained(aws, open_sm, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    store = open_sm({"region": REGION, "endpoint": aws}, env={"AWS_PROFILE": "missing"})
    with pytest.raises(StoreMisconfigured, match="missing"):
        store.get_secret("x", {})


def test_a2_assume_role_arn_alone_is_ignored_and_flagged(sm, aws, open_sm):
    # contrib secretmanager.go never copies assumeRoleArn into auth Options
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm({"region": REGION, "endpoint": aws, **KEYS, "assumeRoleArn": "arn:aws:iam::1:role/r"})
    assert store.get_secret("x", {}) == {"x": "y"}
    assert "aws-assume-role-ignored" in [f.code for f in store.diagnostics()]


def test_a3_roles_anywhere_is_refused_plainly_self_hosted(aws, open_sm):
    # contrib common/aws/auth/auth_x509.go isX509Auth + newAuthX509: daprd's SPIFFE SVID
    roles_anywhere = {"trustProfileArn": "arn:p", "trustAnchorArn": "arn:t", "assumeRoleArn": "arn:r", "region": REGION}
    with pytest.raises(StoreMisconfigured) as error:
        open_sm(roles_anywhere)
    assert error.value.message == "failed to get cert and signer: failed to get SPIFFE certs: invalid SVID: no certs found"
    assert "SPIFFE" in error.value.hint and "cannot present it" in error.value.hint


def test_a3_roles_anywhere_needs_all_three_exact_case_properties(sm, aws, open_sm):
    # auth_x509.go isX509Auth: exact-case map lookups
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm({"region": REGION, "endpoint": aws, **KEYS, "TrustProfileArn": "a", "trustAnchorArn": "b", "assumeRoleArn": "c"})
    assert store.get_secret("x", {}) == {"x": "y"}


def test_a3_roles_anywhere_in_kubernetes_mode_names_the_ed25519_key(aws, tmp_path):
    from dapr_secrets.backends.aws.parameterstore import ParameterStore
    from dapr_secrets.backends.base import StoreContext

    with pytest.raises(StoreMisconfigured, match="ed25519.PrivateKey, but IAM Roles Anywhere requires ECDSA"):
        ParameterStore("p", {"trustProfileArn": "a", "trustAnchorArn": "b", "assumeRoleArn": "c"},
                       StoreContext(env={}, cwd=str(tmp_path), kubernetes_mode=True))


def test_a4_metadata_endpoint_beats_the_service_variable(sm, aws, open_sm):
    # Corrections (A4): aws-sdk-go-v2 GetServiceBaseEndpoint returns BaseEndpoint first
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm(env={"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:9", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert store.get_secret("x", {}) == {"x": "y"}
    assert store.connection.endpoint_source == "metadata endpoint"


def test_a4_service_variable_beats_the_global_one(sm, aws, open_sm):
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm({"region": REGION, **KEYS}, env={"AWS_ENDPOINT_URL_SECRETS_MANAGER": aws, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert store.get_secret("x", {}) == {"x": "y"}
    assert "AWS_ENDPOINT_URL_SECRETS_MANAGER" in store.identity()


def test_a4_ignore_configured_endpoint_urls_drops_even_the_metadata(aws, open_sm):
    store = open_sm(env={"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"})
    assert store.connection.endpoint is None


def test_a4_region_comes_from_aws_region_which_botocore_alone_ignores(sm, aws, open_sm):
    # aws-sdk-go-v2 config/env_config.go reads AWS_REGION, then AWS_DEFAULT_REGION
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm({"endpoint": aws, **KEYS}, env={"AWS_REGION": REGION, "AWS_DEFAULT_REGION": "eu-west-1"})
    assert store.get_secret("x", {}) == {"x": "y"}
    assert store.connection.region == REGION


def test_a5_init_never_contacts_aws(open_sm):
    # contrib TestInit: Endpoint "a" initialises
    store = open_sm({"endpoint": "a", "region": REGION})
    assert "endpoint a" in store.identity()
