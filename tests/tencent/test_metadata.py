"""Init of secretstores.tencentcloud.ssm (contrib secretstores/tencentcloud/ssm/ssm.go `Init`;
dapr-cloud-stores.md §1 rule 1, §7 T1) and the identity shown (the optional extra: tests/contract/test_missing_extra.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.backends.base import StoreContext, StoreMisconfigured
from dapr_secrets.backends.tencent.store import TencentSsmStore
from tests.fakes.tencent_server import TencentSsmServer
from tests.helpers.tencent import REGION, SECRET_ID, SECRET_KEY, OpenStore, metadata


def open_bare(properties: dict[str, str], tmp_path: Path) -> TencentSsmStore:
    return TencentSsmStore("tencentssm", properties, StoreContext(env={}, cwd=str(tmp_path)))


@pytest.mark.parametrize("missing", ["secretId", "secretKey"])
def test_t1_secret_id_and_secret_key_are_required_and_there_is_no_default_chain(missing: str, tmp_path: Path) -> None:
    # contrib ssm.go Init: `if m.SecretID == "" || m.SecretKey == ""` -> "secret params are empty"
    properties = metadata()
    properties[missing] = ""
    with pytest.raises(StoreMisconfigured) as raised:
        open_bare(properties, tmp_path)
    assert raised.value.message == "secret params are empty"
    assert missing in raised.value.hint and SECRET_KEY not in raised.value.hint
    with pytest.raises(StoreMisconfigured, match="^secret params are empty$"):
        open_bare({"region": REGION}, tmp_path)


def test_t1_init_does_no_network_and_accepts_an_empty_region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # contrib ssm.go Init only builds the client: nothing is called, and region is not checked
    from dapr_secrets.backends.tencent import store as tencent_store

    monkeypatch.setattr(tencent_store, "_endpoint_for_tests", "127.0.0.1:9")  # nothing listens there
    store = open_bare(metadata(region=""), tmp_path)
    assert store.fields["region"] == ""
    assert "no region" in store.identity()


def test_t1_an_empty_region_gets_a_doctor_error_and_calls_fail(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # the Go SDK sends X-TC-Region only when set; the service then refuses the call
    store = open_store(metadata(region=""))
    codes = [finding.code for finding in store.diagnostics()]
    assert "tencent-no-region" in codes and "tencent-error" in codes
    assert ssm.calls("ListSecrets")[0].region == ""


def test_s1_r1_names_match_case_insensitively_by_go_field_name(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # kit metadata.DecodeMetadata: mapstructure matches SecretID/SecretKey/Token/Region case-insensitively
    ssm.add_secret("db", ("v1", "one"))
    store = open_store({"SECRETID": SECRET_ID, "SecretKey": SECRET_KEY, "REGION": REGION})
    assert store.get_secret("db", {"VersionID": "v1"})["db"] == "one"


def test_s1_r1_two_names_differing_only_in_case_fail_init_unwrapped(tmp_path: Path) -> None:
    # kit resolveAliases error; contrib ssm.go Init returns DecodeMetadata's error as is
    with pytest.raises(StoreMisconfigured) as raised:
        open_bare({**metadata(), "SecretId": "other"}, tmp_path)
    assert raised.value.message == "failed to resolve aliases: key secretid is duplicate in the metadata"


def test_t1_a_token_is_sent_as_x_tc_token_and_checked(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # common.NewTokenCredential(id, key, token): a temporary (STS) key must carry its token
    ssm.add_key("AKIDtemporary", "temp-key", token="sts-token")
    ssm.add_secret("db", ("v1", "one"))
    assert open_store(metadata(secretId="AKIDtemporary", secretKey="temp-key", token="sts-token")).get_secret(
        "db", {"VersionID": "v1"})["db"] == "one"
    store = open_store(metadata(secretId="AKIDtemporary", secretKey="temp-key", token="expired"))
    with pytest.raises(Exception, match="Code=AuthFailure.TokenFailure"):
        store.get_secret("db", {"VersionID": "v1"})


def test_identity_names_the_secret_id_shortened_and_never_the_key(open_store: OpenStore) -> None:
    identity = open_store(metadata(token="sts-token")).identity()
    assert identity == "as SecretId AKIDexam…0000 with a temporary token (STS), region ap-guangzhou"
    assert SECRET_KEY not in identity and "sts-token" not in identity


def test_t1_requests_ask_for_chinese_messages_like_the_go_profile(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # tc-go profile.NewClientProfile: Language zh-CN; the reply's messages are Chinese
    with pytest.raises(Exception) as raised:
        open_store().get_secret("missing", {"VersionID": "v1"})
    assert "凭据 missing 不存在" in str(raised.value)
