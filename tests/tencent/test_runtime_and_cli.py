"""secretstores.tencentcloud.ssm through the runtime (daprd's HTTP bodies and codes, dapr-behaviour.md
§4; dapr-cloud-stores.md §1 rules 2, 3 and 6) and the headless CLI, with the API key taken from a
local.env store by secretKeyRef, and the doctor."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dapr_secrets.tui.cli import main
from tests.fakes.tencent_server import TencentSsmServer
from tests.helpers.runtime import LOCAL_ENV, runtime_for
from tests.helpers.tencent import REGION, SECRET_ID, SECRET_KEY

COMPONENT = f"""\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: tencentssm
spec:
  type: secretstores.tencentcloud.ssm
  version: v1
  metadata:
  - name: secretId
    secretKeyRef: {{name: TENCENT_SECRET_ID, key: TENCENT_SECRET_ID}}
  - name: secretKey
    secretKeyRef: {{name: TENCENT_SECRET_KEY, key: TENCENT_SECRET_KEY}}
  - name: region
    value: {REGION}
auth:
  secretStore: env
"""


# A component whose setting comes from the Tencent store: daprd's secretKeyRef sends no VersionID (§1 rule 3).
REFERRING = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: refers
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    secretKeyRef: {name: db, key: db}
auth:
  secretStore: tencentssm
"""

REQUEST_ID = re.compile(r"[0-9a-f-]{36}")


@pytest.fixture
def resources(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "ssm.yaml").write_text(COMPONENT)
    (tmp_path / "zz-env.yaml").write_text(LOCAL_ENV)
    return tmp_path, {"TENCENT_SECRET_ID": SECRET_ID, "TENCENT_SECRET_KEY": SECRET_KEY}


@pytest.mark.usefixtures("local_tencent")
def test_s1_r6_get_and_bulk_answer_with_daprs_bodies_and_codes(resources, ssm: TencentSsmServer) -> None:
    # dapr pkg/api/http GetSecret / BulkGetSecret; contrib ssm.go GetSecret / BulkGetSecret
    path, env = resources
    ssm.add_secret("db", ("v1", "one"), ("v2", "two"))
    ssm.add_secret("api", ("v1", "k"))
    runtime = runtime_for(path, env)
    try:
        runtime.start()
        assert runtime.status("tencentssm").state.value == "ready"
        got = runtime.api_get("tencentssm", "db", {"VersionID": "v2"})
        assert got.status == 200
        assert got.body == {"SecretValueType": "10", "db": "two", "RequestID": got.body["RequestID"]}
        assert REQUEST_ID.fullmatch(got.body["RequestID"])

        bulk = runtime.api_bulk("tencentssm", {"VersionID": "v1"})
        assert bulk.status == 200
        assert {name: {k: v for k, v in inner.items() if k != "RequestID"} for name, inner in bulk.body.items()} == {
            "db": {"db": "one", "SecretValueType": "10"}, "api": {"api": "k", "SecretValueType": "10"},
        }

        ignored = runtime.api_get("tencentssm", "db", {"version_id": "v1"})  # T2: not Tencent's key
        assert ignored.status == 500 and ignored.body["errorCode"] == "ERR_SECRET_GET"
        assert ignored.body["message"].startswith(
            "failed getting secret with key db from secret store tencentssm: [TencentCloudSDKError] "
            "Code=MissingParameter, Message=The request is missing a required parameter `VersionId`., RequestId="
        )
        broken = runtime.api_bulk("tencentssm", {"VersionID": "v2"})  # api has no v2: all-or-nothing
        assert broken.status == 500
        assert re.fullmatch(
            r"failed getting secrets from secret store tencentssm: \[TencentCloudSDKError\] Code=ResourceNotFound, "
            r"Message=凭据 api 的版本 v2 不存在。, RequestId=[0-9a-f-]{36}",
            broken.body["message"],
        )
        assert SECRET_KEY not in json.dumps([ignored.body, broken.body])
    finally:
        runtime.close()


@pytest.mark.usefixtures("local_tencent")
def test_s1_r3_t4_a_secret_key_ref_to_this_store_sends_no_version_and_fails(resources, ssm: TencentSsmServer) -> None:
    # dapr pkg/runtime processor: secretKeyRef calls GetSecret with {"namespace": ...} only
    path, env = resources
    (path / "refers.yaml").write_text(REFERRING)
    ssm.add_secret("db", ("v1", "/tmp/secrets.json"))
    runtime = runtime_for(path, env)
    try:
        runtime.start()
        status = runtime.status("refers")  # the failed reference leaves secretsFile unset (daprd logs it)
        assert (status.state.value, status.message) == (
            "error", "process component env error: missing local secrets file in metadata")
        assert ssm.value_requests()[0].body == {"SecretName": "db", "VersionId": ""}
    finally:
        runtime.close()


@pytest.mark.usefixtures("local_tencent")
def test_cli_get_bulk_list_and_doctor(resources, ssm: TencentSsmServer, monkeypatch, capsys) -> None:
    path, env = resources
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(path)
    ssm.add_secret("db", ("v1", "one"), ("v2", "two"))
    ssm.add_secret("off", ("v1", "x"), status="Disabled")
    args = ["--resources-path", str(path)]

    audit = path / "audit.jsonl"
    assert main(["get", "tencentssm", "db", "-m", "VersionID=v1", "--audit-log", str(audit), *args]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer == {"SecretValueType": "10", "db": "one", "RequestID": answer["RequestID"]}
    assert json.loads(audit.read_text().splitlines()[-1])["version"] == "v1"  # the audit reads Tencent's key

    assert main(["bulk", "tencentssm", "-m", "VersionID=v2", *args]) == 0
    bulk = json.loads(capsys.readouterr().out)
    assert list(bulk) == ["db"] and bulk["db"]["db"] == "two"  # the disabled one is not listed

    assert main(["get", "tencentssm", "db", *args]) == 1  # no VersionID: Tencent refuses the empty id
    out, err = capsys.readouterr()
    assert out == "" and json.loads(err)["errorCode"] == "ERR_SECRET_GET"

    reads = len(ssm.value_requests())
    assert main(["list", "tencentssm", "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out)["names"] == ["db"]

    main(["doctor", "--json", *args])
    findings = json.loads(capsys.readouterr().out)
    codes = [f["code"] for f in (findings if isinstance(findings, list) else findings["diagnostics"])]
    assert "tencent-no-default-version" in codes
    assert len(ssm.value_requests()) == reads  # list and doctor read no value
    assert SECRET_KEY not in json.dumps(findings)
