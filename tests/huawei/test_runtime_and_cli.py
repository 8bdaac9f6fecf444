"""secretstores.huaweicloud.csms through the runtime (daprd's HTTP bodies and codes, dapr-behaviour.md §4;
dapr-cloud-stores.md §1 rules 3 and 6) and the headless CLI, with the keys taken from a local.env store by
secretKeyRef, and a component whose secretKeyRef points at the CSMS store (which sends no version_id)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dapr_secrets.tui.cli import main
from tests.fakes.huawei_server import HuaweiServer
from tests.helpers.huawei import ACCESS_KEY, SECRET_KEY, daprd_env
from tests.helpers.runtime import LOCAL_ENV, runtime_for

COMPONENT = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: csms
spec:
  type: secretstores.huaweicloud.csms
  version: v1
  metadata:
  - name: region
    value: cn-north-4
  - name: accessKey
    secretKeyRef: {name: HW_ACCESS_KEY, key: HW_ACCESS_KEY}
  - name: secretAccessKey
    secretKeyRef: {name: HW_SECRET_KEY, key: HW_SECRET_KEY}
auth:
  secretStore: env
"""


@pytest.fixture
def resources(tmp_path: Path, csms: HuaweiServer) -> tuple[Path, dict[str, str]]:
    (tmp_path / "csms.yaml").write_text(COMPONENT)
    (tmp_path / "zz-env.yaml").write_text(LOCAL_ENV)
    env = {"HW_ACCESS_KEY": ACCESS_KEY, "HW_SECRET_KEY": SECRET_KEY, **daprd_env(csms)}
    return tmp_path, env


def test_s1_r6_get_and_bulk_answer_with_daprs_bodies_and_codes(resources, csms: HuaweiServer) -> None:
    # dapr pkg/api/http GetSecret / BulkGetSecret; contrib csms.go GetSecret / BulkGetSecret
    path, env = resources
    csms.add_secret("db", "one", "two")
    csms.add_secret("api", "k")
    runtime = runtime_for(path, env)
    try:
        runtime.start()
        assert runtime.status("csms").state.value == "ready"
        assert runtime.api_get("csms", "db", {"version_id": "v1"}).text() == '{"db":"one"}\n'
        assert runtime.api_get("csms", "db", {"version_id": "latest"}).text() == '{"db":"two"}\n'
        bulk = runtime.api_bulk("csms")
        assert (bulk.status, bulk.body) == (200, {"db": {"db": "two"}, "api": {"api": "k"}})

        plain = runtime.api_get("csms", "db")  # H4: no version_id -> .../versions/
        assert plain.status == 500 and plain.body["errorCode"] == "ERR_SECRET_GET"
        assert plain.body["message"].startswith(
            'failed getting secret with key db from secret store csms: {"status_code":400,"request_id":"req-'
        )
        assert csms.value_requests()[-1].path.endswith("/secrets/db/versions/")

        csms.add_secret("empty")
        broken = runtime.api_bulk("csms")
        assert broken.status == 500 and broken.body["message"].startswith(
            'failed getting secrets from secret store csms: {"status_code":404,'
        )
        assert SECRET_KEY not in json.dumps([plain.body, broken.body])
    finally:
        runtime.close()


def test_s1_r3_a_secret_key_ref_to_csms_asks_for_the_empty_version(resources, csms: HuaweiServer) -> None:
    # dapr pkg/runtime/processor: secretKeyRef calls GetSecret with {"namespace": ...} only, no version_id
    path, env = resources
    csms.add_secret("other-token", "t")
    (path / "uses-csms.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: uses-csms\nspec:\n"
        "  type: secretstores.local.env\n  version: v1\n  metadata:\n  - name: prefix\n"
        "    secretKeyRef: {name: other-token, key: other-token}\nauth:\n  secretStore: csms\n"
    )
    runtime = runtime_for(path, env)
    try:
        runtime.start()
        status = runtime.status("uses-csms")  # daprd logs the failed reference and starts it without
        assert "error getting secret 'other-token'" in status.message and '"status_code":400' in status.message
        assert any(r.path.endswith("/secrets/other-token/versions/") for r in csms.value_requests())
        assert not any(r.path.endswith("/other-token/versions/latest") for r in csms.value_requests())
    finally:
        runtime.close()


def test_cli_get_bulk_list_and_doctor(resources, csms: HuaweiServer, monkeypatch, capsys) -> None:
    path, env = resources
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(path)
    csms.add_secret("db", "one", "two")
    csms.add_secret("api", "k")
    args = ["--resources-path", str(path)]

    assert main(["get", "csms", "db", "-m", "version_id=v1", *args]) == 0
    assert capsys.readouterr().out == '{"db":"one"}\n'

    assert main(["bulk", "csms", *args]) == 0
    assert json.loads(capsys.readouterr().out) == {"db": {"db": "two"}, "api": {"api": "k"}}

    assert main(["get", "csms", "db", *args]) == 1
    out, err = capsys.readouterr()
    assert out == "" and json.loads(err)["errorCode"] == "ERR_SECRET_GET"

    reads = len(csms.value_requests())
    assert main(["list", "csms", "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out)["names"] == ["db", "api"]
    main(["doctor", "--json", *args])
    findings = json.loads(capsys.readouterr().out)
    codes = [f["code"] for f in (findings if isinstance(findings, list) else findings["diagnostics"])]
    assert "huawei-get-without-version" in codes
    assert len(csms.value_requests()) == reads  # list and doctor read no value


def test_cli_shows_daprd_would_crash_for_an_unknown_region(tmp_path: Path, monkeypatch, capsys) -> None:
    # hw-go region.go ValueOf panics; the CLI reports it and exits non-zero, never a traceback
    (tmp_path / "csms.yaml").write_text(COMPONENT.replace("cn-north-4", "xx-nowhere-1"))
    (tmp_path / "zz-env.yaml").write_text(LOCAL_ENV)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HW_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("HW_SECRET_KEY", SECRET_KEY)
    code = main(["list", "csms", "--resources-path", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert "daprd crashes: panic: unexpected regionId: xx-nowhere-1" in err
    assert "daprd would crash at startup" in err and "Traceback" not in err
    assert main(["doctor", "--resources-path", str(tmp_path)]) == 1
    assert "daprd crashes: panic: unexpected regionId: xx-nowhere-1" in capsys.readouterr().out
