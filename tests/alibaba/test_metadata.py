"""Init of secretstores.alicloud.parameterstore (dapr-cloud-stores.md §1 rule 1, §5 L1): metadata
names, the regionId requirement, which credential signs, who we are, and the missing extra. Calls go
through the real client to the local OOS, which recomputes each request's ACS3-HMAC-SHA256 signature."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.backends.alibaba.store import AlibabaParameterStore
from dapr_secrets.backends.base import AccessDenied, StoreContext, StoreMisconfigured
from dapr_secrets.components.model import Severity
from tests.fakes.oos_server import OosServer
from tests.helpers.alibaba import ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION, OpenStore, metadata


@pytest.mark.parametrize("properties", [{}, {"regionId": ""}, {"accessKeyId": "a", "accessKeySecret": "a"}])
def test_l1_an_empty_region_id_fails_init(properties: dict[str, str], tmp_path: Path) -> None:
    # contrib parameterstore.go Init -> getClient -> oos NewClient -> GetEndpoint(rule "regional")
    with pytest.raises(StoreMisconfigured) as raised:
        AlibabaParameterStore("oos", properties, StoreContext(env={}, cwd=str(tmp_path)))
    assert raised.value.message == "RegionId is empty, please set a valid RegionId"


def test_l1_init_with_region_and_keys_succeeds_without_network(tmp_path: Path, local_oos: None, oos: OosServer) -> None:
    # contrib parameterstore_test.go "Init with valid metadata": Init makes no call
    AlibabaParameterStore("oos", {"regionId": "a", "accessKeyId": "a", "accessKeySecret": "a"},
                          StoreContext(env={}, cwd=str(tmp_path)))
    assert oos.requests == []


def test_s1_r1_names_match_case_insensitively_by_go_field_name(open_store: OpenStore, oos: OosServer) -> None:
    # kit metadata/utils.go DecodeMetadata: RegionID, AccessKeyID... match in any case
    oos.add("db", "v")
    store = open_store({"REGIONID": REGION, "accesskeyid": ACCESS_KEY_ID, "AccessKeySecret": ACCESS_KEY_SECRET, "other": "x"})
    assert store.get_secret("db", {}) == {"db": "v"}
    assert oos.requests[-1].access_key_id == ACCESS_KEY_ID


def test_s1_r1_two_names_differing_only_in_case_fail_init_unwrapped(tmp_path: Path) -> None:
    # kit DecodeMetadata resolveAliases; getParameterStoreMetadata returns it as is
    with pytest.raises(StoreMisconfigured) as raised:
        AlibabaParameterStore("oos", {**metadata(), "REGIONID": "x"}, StoreContext(env={}, cwd=str(tmp_path)))
    assert raised.value.message == "failed to resolve aliases: key regionid is duplicate in the metadata"


def test_l1_an_access_key_signs_every_request(open_store: OpenStore, oos: OosServer) -> None:
    # darabonba-openapi Init: AccessKeyId + AccessKeySecret -> credential type access_key
    oos.add("db", "v")
    store = open_store()
    assert store.get_secret("db", {}) == {"db": "v"}
    assert f"access key ID …{ACCESS_KEY_ID[-4:]}" in store.identity() and ACCESS_KEY_ID not in store.identity()
    assert ACCESS_KEY_SECRET not in store.identity()


def test_l1_a_wrong_secret_gets_the_clouds_signature_error(open_store: OpenStore, oos: OosServer) -> None:
    oos.add("db", "v")
    with pytest.raises(AccessDenied) as raised:
        open_store(metadata(accessKeySecret="not-the-secret")).get_secret("db", {})
    assert "Code: SignatureDoesNotMatch" in raised.value.message
    assert "not-the-secret" not in raised.value.message + raised.value.hint


def test_l1_an_unknown_key_gets_invalid_access_key_id(open_store: OpenStore, oos: OosServer) -> None:
    with pytest.raises(AccessDenied) as raised:
        open_store(metadata(accessKeyId="LTAI5tSomeoneElse0001")).get_secret("db", {})
    assert "Code: InvalidAccessKeyId.NotFound" in raised.value.message


def test_l1_an_sts_token_is_sent_with_the_request(open_store: OpenStore, oos: OosServer) -> None:
    # darabonba-openapi Init: securityToken set -> credential type sts (x-acs-security-token header)
    oos.add("db", "v")
    store = open_store(metadata(securityToken="sts-token-value"))
    assert store.get_secret("db", {}) == {"db": "v"}
    assert oos.requests[-1].security_token == "sts-token-value"
    assert store.identity().startswith("STS token") and "sts-token-value" not in store.identity()


@pytest.mark.parametrize("missing", ["accessKeyId", "accessKeySecret"])
def test_l1_without_both_keys_init_succeeds_and_every_call_is_signed_with_an_empty_key(
    missing: str, open_store: OpenStore, oos: OosServer
) -> None:
    # darabonba-openapi Init sets no credential; requests then carry an empty key and the cloud refuses them
    oos.add("db", "v")
    store = open_store(metadata(**{missing: ""}))
    with pytest.raises(AccessDenied) as raised:
        store.get_secret("db", {})
    assert "Code: MissingAccessKeyId" in raised.value.message
    assert store.identity().startswith("no credential")
    assert [d.code for d in store.diagnostics()] == ["alibaba-no-credential"]
    assert store.diagnostics()[0].severity is Severity.WARNING
