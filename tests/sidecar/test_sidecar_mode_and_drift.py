"""Sidecar mode and drift (issue #18): the real HTTP client over a real socket against a local
server that speaks daprd's metadata and secrets API (tests/fakes/daprd_server.py), fed from a
different setup than the files under test, so that drift exists."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from dapr_secrets.backends.base import AccessDenied, StoreError, StoreTimeout, StoreUnreachable
from dapr_secrets.backends.drift import compare
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions, State
from dapr_secrets.backends.sidecar import SidecarClient, SidecarRuntime, api_path
from dapr_secrets.tui.cli import main
from tests.fakes.daprd_server import FakeDaprd
from tests.helpers.sidecar import CANARY, fake_sidecar, write_files


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_files(tmp_path), tmp_path / "config.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ----- the client against Dapr's API shapes


def test_sidecar_components_come_from_the_metadata_api():
    with fake_sidecar() as daprd:
        runtime = SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url))
        assert [(c.name, c.type, c.version) for c in runtime.components] == [
            ("files", "secretstores.local.file", "v1"), ("cache", "pubsub.redis", "v1"), ("extra", "bindings.cron", "v1"),
        ]
        assert runtime.options.app_id == "orders"  # the sidecar's own app id
        assert runtime.open("cache").message == "loaded by the sidecar (capabilities: SUBSCRIBE_WILDCARDS)"
        assert runtime.describe_source() == f"{daprd.url} (dapr 1.18.3)"


def test_an_old_sidecar_without_runtime_version_or_capabilities_still_works():
    with fake_sidecar(dapr_version="1.4") as daprd:
        runtime = SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url))
        assert runtime.info.runtime_version == "" and runtime.open("cache").message == "loaded by the sidecar"
        assert runtime.describe_source().endswith("(dapr version not reported)")


def test_sidecar_answers_are_daprs_own_bodies():
    with fake_sidecar() as daprd:
        runtime = SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url))
        assert runtime.api_get("files", "db-password").body == {"db-password": "same-in-both"}
        denied = runtime.api_get("files", "gone")
        assert denied.status == 403 and denied.body["errorCode"] == "ERR_PERMISSION_DENIED"
        assert runtime.api_get("nope", "x").status == 401
        assert "gone" not in runtime.api_bulk("files").body  # bulk leaves denied names out silently


def test_sidecar_store_lists_names_from_bulk_and_opens_one_by_get():
    with fake_sidecar() as daprd:
        runtime = SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url))
        assert runtime.open("files").state == State.READY
        store = runtime.store("files")
        names = [entry.name for page in store.list_names() for entry in page]
        assert names == ["api-key", "db-password", "denied-here"]
        with pytest.raises(AccessDenied, match="ERR_PERMISSION_DENIED"):
            store.get_secret("gone", {})


def test_the_api_token_is_sent_as_the_dapr_api_token_header():
    with fake_sidecar(token="tok") as daprd:
        with pytest.raises(AccessDenied, match="refused the API token") as error:
            SidecarClient(daprd.url).metadata()
        assert "--dapr-api-token" in error.value.hint
        assert SidecarClient(daprd.url, "tok").metadata().app_id == "orders"
        assert daprd.requests[-1][2] == "tok"


def test_names_are_encoded_the_way_daprd_decodes_them():
    """Corrections §4 R3: one decode after path.Clean; `.`/`..` encoded so Clean keeps them."""
    assert api_path("secrets", "s", "a/b") == "/v1.0/secrets/s/a%2Fb"
    assert api_path("secrets", "s", "50%") == "/v1.0/secrets/s/50%25"
    assert api_path("secrets", "s", "..") == "/v1.0/secrets/s/%2E%2E"
    secrets = {"files": {"a/b": {"a/b": "1"}, "50%": {"50%": "2"}, "..": {"..": "3"}}}
    with fake_sidecar(secrets=secrets, denied={}) as daprd:
        runtime = SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url))
        for name, value in (("a/b", "1"), ("50%", "2"), ("..", "3")):
            assert runtime.api_get("files", name).body == {name: value}


def test_an_unreachable_sidecar_says_what_to_do():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreUnreachable) as error:
        SidecarClient(f"http://127.0.0.1:{port}").metadata()
    assert "port-forward" in error.value.hint


def test_a_silent_sidecar_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts the connection, never answers
        with pytest.raises(StoreTimeout):
            SidecarClient(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.3).metadata()


def test_not_a_sidecar_is_said_plainly():
    with fake_sidecar() as daprd:
        with pytest.raises(Exception, match="not Dapr's metadata"):
            SidecarClient(daprd.url + "/elsewhere").metadata()


# ----- drift: the planted differences and nothing else


def test_drift_reports_the_planted_differences_and_nothing_else(files):
    components, config = files
    with fake_sidecar() as daprd:
        predicted = Runtime.load(RuntimeOptions(resources_paths=(str(components),), config_files=(str(config),), app_id="orders", env={}))
        rows = compare(predicted, SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url)))
    found = {(r.kind, r.component, r.secret) for r in rows}
    assert found == {
        ("component-only-in-files", "predicted-only", ""),
        ("type-differs", "cache", ""),
        ("component-only-in-sidecar", "extra", ""),
        ("secret-missing-in-sidecar", "files", "gone"),
        ("secret-only-in-sidecar", "files", "denied-here"),
        ("value-differs", "files", "api-key"),
    }
    why = {(r.kind, r.secret): r.detail for r in rows}
    assert "secret scopes deny it (403)" in why[("secret-missing-in-sidecar", "gone")]
    assert "the files' secret scopes deny it" in why[("secret-only-in-sidecar", "denied-here")]
    assert why[("value-differs", "api-key")] == "values differ for key(s) api-key (value-blind comparison)"
    assert not any(CANARY in r.detail or "files-key" in r.detail for r in rows)


def test_drift_cli_json_and_exit_codes(files, capsys):
    components, config = files
    with fake_sidecar() as daprd:
        args = ("drift", "--sidecar", daprd.url, "--resources-path", str(components), "--config", str(config), "--app-id", "orders")
        code, out, err = run(capsys, *args, "--json")
        assert code == 1, err
        document = json.loads(out)
        assert document["schema_version"] == 1
        assert document["summary"]["drift"] == 6
        assert document["sidecar"] == {"url": daprd.url, "app_id": "orders", "runtime_version": "1.18.3"}
        code, text, _ = run(capsys, *args)
        assert code == 1 and "value-differs  files/api-key" in text
        for output in (out, text):
            assert CANARY not in output and "files-key" not in output and "same-in-both" not in output


def test_drift_is_clean_when_the_sidecar_answers_as_predicted(tmp_path, capsys):
    (tmp_path / "s.json").write_text(json.dumps({"k": "v"}))
    (tmp_path / "c.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec:\n  type: secretstores.local.file\n"
        f"  version: v1\n  metadata:\n  - name: secretsFile\n    value: {tmp_path / 's.json'}\n"
    )
    same = FakeDaprd(components={"s": ("secretstores.local.file", "v1", ())}, secrets={"s": {"k": {"k": "v"}}})
    with same as daprd:
        code, out, _ = run(capsys, "drift", "--sidecar", daprd.url, "--resources-path", str(tmp_path))
    assert code == 0 and out.startswith("no drift")


def test_drift_without_a_sidecar_or_with_a_dead_one_exits_2(files, capsys):
    components, _ = files
    assert run(capsys, "drift", "--resources-path", str(components))[0] == 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = run(capsys, "drift", "--sidecar", f"http://127.0.0.1:{port}", "--resources-path", str(components))
    assert code == 2 and out == "" and "cannot reach the sidecar" in err


# ----- get / bulk / list through the sidecar


def test_get_bulk_and_list_ask_the_sidecar(capsys):
    with fake_sidecar(token="tok") as daprd:
        base = ("--sidecar", daprd.url, "--dapr-api-token", "tok")
        assert run(capsys, "get", "files", "db-password", *base) == (0, '{"db-password":"same-in-both"}\n', "")
        code, _, err = run(capsys, "get", "files", "gone", *base)
        assert code == 1 and json.loads(err)["errorCode"] == "ERR_PERMISSION_DENIED"
        code, out, _ = run(capsys, "list", "files", *base)
        assert code == 0 and out.split() == ["api-key", "db-password", "denied-here"] and CANARY not in out
        code, _, err = run(capsys, "list", "files", "--sidecar", daprd.url)
        assert code == 2 and "refused the API token" in err


def test_the_token_comes_from_dapr_api_token_env(capsys, monkeypatch):
    with fake_sidecar(token="tok") as daprd:
        monkeypatch.setenv("DAPR_API_TOKEN", "tok")
        assert run(capsys, "get", "files", "db-password", "--sidecar", daprd.url)[0] == 0


# ----- the sidecar is untrusted input


def test_an_oversized_answer_is_refused(monkeypatch):
    import dapr_secrets.backends.sidecar as sidecar

    big = {"files": {f"name-{i}": {f"name-{i}": "v" * 100} for i in range(100)}}
    with fake_sidecar(secrets=big, denied={}) as daprd:
        runtime = SidecarRuntime(RuntimeOptions(resources_paths=()), SidecarClient(daprd.url))
        runtime.open("files")
        monkeypatch.setattr(sidecar, "MAX_BODY", 4096)
        with pytest.raises(StoreError, match="larger than 4,096 bytes; not read"):
            list(runtime.store("files").list_names())


def test_names_from_the_sidecar_are_escaped_in_every_line(files, capsys):
    components, _ = files
    evil = "evil\x1b]0;pwned\x07\u202e"
    with fake_sidecar(components={evil: ("bindings.cron", "v1", ())}) as daprd:
        code, out, _ = run(capsys, "drift", "--sidecar", daprd.url, "--resources-path", str(components))
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "evil" in out


def test_https_to_a_plain_http_sidecar_says_so():
    with fake_sidecar() as daprd:
        with pytest.raises(StoreUnreachable) as error:
            SidecarClient(daprd.url.replace("http://", "https://"), timeout=3).metadata()
    assert "TLS" in error.value.message and "http://" in error.value.hint


def test_doctor_and_refs_with_a_sidecar_check_the_files_and_say_so(files, capsys):
    components, config = files
    (components / "broken.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: broken}\nspec:\n  type: state.redis\n"
        "  version: v1\n  metadata:\n  - name: redisPassword\n    secretKeyRef: {name: nope, key: nope}\nauth:\n  secretStore: files\n"
    )
    with fake_sidecar() as daprd:
        code, out, _ = run(capsys, "doctor", "--json", "--sidecar", daprd.url, "--resources-path", str(components))
        codes = [d["code"] for d in json.loads(out)["diagnostics"]]
        assert code == 1 and codes[0] == "sidecar-mode" and "ref-secret-not-found" in codes
        code, out, err = run(capsys, "refs", "--json", "--sidecar", daprd.url, "--resources-path", str(components))
        assert "refs reads the files" in err and json.loads(out)["references"][0]["component"] == "broken"
