"""Init of secretstores.huaweicloud.csms (dapr-cloud-stores.md §1 rule 1, §6 H1-H3): metadata decoding,
the region chain of the Go SDK daprd uses, and the IAM project lookup. Every failure after decoding is
a panic in daprd: the store reports "daprd would crash" with the reason and never raises past Init."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.backends.base import DaprdCrashes, StoreContext, StoreMisconfigured
from dapr_secrets.backends.huawei.store import HuaweiCsmsStore
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from tests.fakes.huawei_server import HuaweiServer
from tests.helpers.huawei import ACCESS_KEY, REGION, SECRET_KEY, OpenStore, daprd_env, metadata


def test_s1_r1_names_match_case_insensitively(open_store: OpenStore, csms: HuaweiServer) -> None:
    # kit metadata/utils.go DecodeMetadata: field names match case-insensitively
    csms.add_secret("db", "v")
    store = open_store({"REGION": REGION, "accesskey": ACCESS_KEY, "SecretAccessKey": SECRET_KEY})
    assert store.get_secret("db", {"version_id": "latest"}) == {"db": "v"}


def test_s1_r1_two_names_differing_only_in_case_fail_init_wrapped_as_a_decode_error(open_store: OpenStore) -> None:
    # contrib csms.go Init wraps kit's resolveAliases error (Corrections: "failed to decode metadata: ...")
    with pytest.raises(StoreMisconfigured) as caught:
        open_store(metadata(Region="cn-north-1"))
    assert not isinstance(caught.value, DaprdCrashes)  # a plain Init error, daprd survives it
    assert caught.value.message == "failed to decode metadata: failed to resolve aliases: key region is duplicate in the metadata"


def test_h1_an_empty_region_crashes_daprd(open_store: OpenStore, csms: HuaweiServer) -> None:
    # hw-go region.go ValueOf / region_chain.go: panics on an empty regionId (contrib csms.go Init)
    with pytest.raises(DaprdCrashes) as caught:
        open_store(metadata(region=""))
    assert caught.value.message == "panic: unexpected empty parameter: regionId"
    assert "set the component's region" in caught.value.hint
    assert csms.requests == []  # no IAM call before the region is known


def test_h1_a_region_outside_the_go_sdk_list_crashes_daprd_even_if_the_python_sdk_knows_it(tmp_path: Path) -> None:
    # hw-go@v0.1.56 services/csms/v1/region/region.go ValueOf: ap-southeast-4 is newer than daprd's SDK
    for region in ("ap-southeast-4", "mars-1"):
        with pytest.raises(DaprdCrashes) as caught:
            HuaweiCsmsStore("csms", metadata(region=region), StoreContext(env={}, cwd=str(tmp_path)))
        assert caught.value.message == f"panic: unexpected regionId: {region}"
        assert "HUAWEICLOUD_SDK_REGION_CSMS_" + region.upper().replace("-", "_") in caught.value.hint


def test_h1_the_runtime_shows_daprd_would_crash_as_an_error_with_the_reason(tmp_path: Path) -> None:
    # dapr pkg/runtime/processor/secret/secret.go Init: no recover(), the panic kills daprd (§1 rule 5)
    (tmp_path / "csms.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: csms\nspec:\n"
        "  type: secretstores.huaweicloud.csms\n  version: v1\n  ignoreErrors: true\n  metadata:\n"
        "  - name: region\n    value: mars-1\n  - name: accessKey\n    value: ak\n"
    )
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(tmp_path),), env={}, cwd=str(tmp_path)))
    try:
        status = runtime.open("csms")
        assert status.state.value == "error"
        assert status.message == "daprd crashes: panic: unexpected regionId: mars-1"
        assert "whatever spec.ignoreErrors says" in status.hint
    finally:
        runtime.close()


def test_h2_the_region_env_override_accepts_any_region_and_adds_https(tmp_path: Path, csms: HuaweiServer) -> None:
    # hw-go core/region/env_region.go: HUAWEICLOUD_SDK_REGION_CSMS_<ID>; an endpoint without http gets https://
    csms.region = "local-1"
    csms.add_secret("db", "v")
    env = daprd_env(csms, "local-1")
    env["HUAWEICLOUD_SDK_REGION_CSMS_LOCAL_1"] = csms.url.removeprefix("https://")
    store = HuaweiCsmsStore("csms", metadata(region="local-1"), StoreContext(env=env, cwd=str(tmp_path)))
    try:
        assert store.endpoint == csms.url
        assert store.get_secret("db", {"version_id": "v1"}) == {"db": "v"}
        assert "from env HUAWEICLOUD_SDK_REGION_CSMS_LOCAL_1" in store.identity()
    finally:
        store.close()


def test_h2_the_regions_file_names_an_endpoint(tmp_path: Path, csms: HuaweiServer) -> None:
    # hw-go core/region/profile_region.go: {CSMS: [{id, endpoint}]}, HUAWEICLOUD_SDK_REGIONS_FILE
    (tmp_path / "regions.yaml").write_text(f"CSMS:\n  - id: {REGION}\n    endpoint: {csms.url}\n")
    env = daprd_env(csms)
    del env["HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4"]
    env["HUAWEICLOUD_SDK_REGIONS_FILE"] = "regions.yaml"  # relative to daprd's working directory
    store = HuaweiCsmsStore("csms", metadata(), StoreContext(env=env, cwd=str(tmp_path)))
    try:
        assert store.endpoint == csms.url and "regions file" in store.endpoint_source
    finally:
        store.close()


def test_h2_a_listed_region_uses_the_kms_endpoint(tmp_path: Path, csms: HuaweiServer) -> None:
    # hw-go region.go: CSMS lives at https://kms.<region>.myhuaweicloud.com
    env = daprd_env(csms)
    del env["HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4"]
    store = HuaweiCsmsStore("csms", metadata(), StoreContext(env=env, cwd=str(tmp_path)))
    try:
        assert store.endpoint == "https://kms.cn-north-4.myhuaweicloud.com"
    finally:
        store.close()


def test_h3_init_looks_the_project_id_up_in_iam_with_a_signed_request(open_store: OpenStore, csms: HuaweiServer) -> None:
    # hw-go core/auth/basic/basic_icredential.go ProcessAuthParams: Dapr passes no project id
    csms.add_secret("db", "v")
    store = open_store()
    assert store.project_id == csms.project_id
    assert [(r.path, r.query) for r in csms.requests] == [("/v3/projects", {"name": REGION})]
    store.get_secret("db", {"version_id": "v1"})
    assert csms.requests[-1].path == f"/v1/{csms.project_id}/secrets/db/versions/v1"


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"no_project": True}, "No project id found, please specify project_id manually when initializing the credentials"),
        ({"extra_projects": 1}, "multiple project ids have been returned, please specify one when initializing the credentials"),
    ],
)
def test_h3_zero_or_several_projects_crash_daprd(open_store: OpenStore, csms: HuaweiServer, setup, reason) -> None:
    # hw-go core/auth/internal/iam_service.go KeystoneListProjects, then the builder panics
    for key, value in setup.items():
        setattr(csms, key, value)
    with pytest.raises(DaprdCrashes) as caught:
        open_store()
    assert caught.value.message == f"panic: failed to get project id, {reason}"


def test_h3_a_wrong_secret_key_gets_the_gateways_error_and_crashes_daprd(open_store: OpenStore) -> None:
    with pytest.raises(DaprdCrashes) as caught:
        open_store(metadata(secretAccessKey="not-the-key"))
    assert caught.value.message.startswith('panic: failed to get project id, {"status_code":401,"request_id":"req-')
    expected = '"error_code":"APIGW.0301","error_message":"Incorrect IAM authentication information: verify aksk signature fail"'
    assert expected in caught.value.message
    assert "not-the-key" not in caught.value.message + caught.value.hint


def test_h3_an_http_iam_endpoint_is_forced_to_https_and_fails_like_go(open_store: OpenStore, csms: HuaweiServer) -> None:
    # hw-go iam_service.go GetIamEndpoint prepends https:// to anything not starting with it
    env = daprd_env(csms)
    env["HUAWEICLOUD_SDK_IAM_ENDPOINT"] = csms.url.replace("https://", "http://")
    with pytest.raises(DaprdCrashes) as caught:
        open_store(env=env)
    assert caught.value.message.startswith("panic: failed to get project id, ")
    assert "https://http://" in caught.value.hint
    assert csms.requests == []


def test_h3_empty_keys_would_ask_the_ecs_metadata_service(open_store: OpenStore, csms: HuaweiServer) -> None:
    # hw-go basic_icredential.go: empty AK and SK -> temporary credentials from ECS metadata first
    with pytest.raises(DaprdCrashes) as caught:
        open_store(metadata(accessKey="", secretAccessKey=""))
    assert "ECS metadata service" in caught.value.message
    assert csms.requests == []
