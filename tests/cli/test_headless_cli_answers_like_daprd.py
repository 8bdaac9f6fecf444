"""The headless CLI answers like daprd for the same files (issue #2 §4), on the demo and on the
worked examples of dapr-behaviour.md. Runs the real entry point in-process."""

from __future__ import annotations

import json
import os
import string
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dapr_secrets.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ["--resources-path", "examples/components", "--config", "examples/config.yaml"]
DEMO_ENV = {"DEMO_API_TOKEN": "demo-token-not-real", "DEMO_SMTP_PASSWORD": "demo-smtp-password-not-real"}


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)
    for key, value in DEMO_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("NAMESPACE", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_get_prints_daprs_body(in_repo, capsys):
    code, out, err = run(capsys, "get", "demo-file", "redis:password", *DEMO, "--app-id", "orders")
    assert (code, out, err) == (0, '{"redis:password":"demo-redis-password"}\n', "")


def test_get_denied_by_scope_is_403_body_on_stderr(in_repo, capsys):
    code, out, err = run(capsys, "get", "demo-file", "tls:signing-key", *DEMO)
    assert code == 1 and out == ""
    assert json.loads(err) == {
        "errorCode": "ERR_PERMISSION_DENIED",
        "message": 'access denied by policy to get "tls:signing-key" from "demo-file"',
    }


def test_get_number_leaf_returns_go_bad_verb_text(in_repo, capsys):
    """§3.1: a JSON number in local.file comes back as Go's %!s(float64=...) text."""
    code, out, _ = run(capsys, "get", "demo-file", "redis:port", "--resources-path", "examples/components")
    assert code == 0 and json.loads(out) == {"redis:port": "%!s(float64=6379)"}


def test_get_unknown_store_is_401_and_missing_secret_is_500(in_repo, capsys):
    code, _, err = run(capsys, "get", "nope", "x", *DEMO)
    assert code == 1 and json.loads(err)["errorCode"] == "ERR_SECRET_STORE_NOT_FOUND"
    code, _, err = run(capsys, "get", "demo-multi", "missing", *DEMO)
    assert code == 1
    assert json.loads(err) == {  # nothing else: a hint is only for a terminal (tests/cli/test_hints.py)
        "errorCode": "ERR_SECRET_GET",
        "message": "failed getting secret with key missing from secret store demo-multi: secret missing not found",
    }


def test_metadata_flag_and_env_store(in_repo, capsys):
    code, out, _ = run(capsys, "get", "demo-env", "API_TOKEN", "-m", "namespace=x", "--resources-path", "examples/components")
    assert code == 0 and json.loads(out) == {"API_TOKEN": "demo-token-not-real"}


def test_bulk_leaves_out_denied_secrets(in_repo, capsys):
    code, out, _ = run(capsys, "bulk", "demo-file", *DEMO)
    assert code == 0
    assert sorted(json.loads(out)) == ["api:orders-key", "redis:password"]
    code, out, _ = run(capsys, "bulk", "demo-env", *DEMO)
    assert (code, json.loads(out)) == (0, {})


def test_chained_store_answers(in_repo, capsys):
    code, out, _ = run(capsys, "list", "demo-chained", "--json", "--resources-path", "examples/components")
    assert code == 0 and "payments:gateway-key" in json.loads(out)["names"]


def test_list_prints_names_never_values(in_repo, capsys):
    code, out, _ = run(capsys, "list", "demo-file", "--resources-path", "examples/components")
    assert code == 0
    assert out.splitlines()[:2] == ["redis:password", "redis:port"]
    assert "demo-redis-password" not in out


def test_list_of_a_store_without_auth_store_says_daprd_initialises_it_with_the_field_empty(in_repo, capsys, tmp_path):
    # dapr:pkg/runtime/processor/components.go preprocessOneComponent: no parking behind store ""
    (tmp_path / "s.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec:\n  type: secretstores.local.file\n"
        "  metadata:\n  - name: secretsFile\n    secretKeyRef: {name: f}\n"
    )
    code, out, err = run(capsys, "list", "s", "--resources-path", str(tmp_path))
    assert code == 1 and out == ""
    assert "daprd initialises s with secretsFile empty" in err and "missing local secrets file" in err


def test_refs_reports_every_reference_without_values(in_repo, capsys):
    code, out, _ = run(capsys, "refs", "--json", *DEMO)
    rows = {(r["component"], r["field"]): r["status"] for r in json.loads(out)["references"]}
    assert rows[("legacy-hook", "securityToken")] == "key-not-found"
    assert rows[("audit-log", "connectionString")] == "no-auth-store"
    assert rows[("orders-state", "redisPassword")] == "ok"
    assert "demo-redis-password" not in out and "demo-token-not-real" not in out


def test_doctor_exits_1_with_file_and_line(in_repo, capsys):
    code, out, _ = run(capsys, "doctor", *DEMO)
    assert code == 1
    assert "examples/components/legacy-hook.yaml:" in out
    assert "%!s(float64" in out
    code, out, _ = run(capsys, "doctor", "--json", *DEMO)
    codes = {d["code"] for d in json.loads(out)["diagnostics"]}
    assert {"ref-no-auth-store", "ref-key-not-found", "non-string-value"} <= codes


def test_doctor_is_clean_on_a_good_folder(capsys, tmp_path):
    (tmp_path / "env.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: env}\nspec: {type: secretstores.local.env}\n"
    )
    assert run(capsys, "doctor", "--resources-path", str(tmp_path)) == (0, "no problems found\n", "")


def test_duplicate_names_warn_that_daprd_would_not_start(capsys, tmp_path):
    doc = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: dup}\nspec: {type: secretstores.local.env}\n"
    (tmp_path / "a.yaml").write_text(doc)
    (tmp_path / "b.yaml").write_text(doc)
    code, _, err = run(capsys, "get", "dup", "HOME", "--resources-path", str(tmp_path))
    assert "duplicate definition of Component name dup" in err


YAMLISH = st.text(alphabet=string.printable + "é—\x00\x1b", max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.one_of(YAMLISH, st.binary(max_size=200)), max_size=4))
def test_property_arbitrary_files_never_crash_the_cli(files, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("resources")
    for index, content in enumerate(files):
        path = folder / f"f{index}.yaml"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    for argv in (["doctor"], ["refs", "--json"], ["list", "x"], ["bulk", "x"]):
        code = main(argv + ["--resources-path", str(folder)])
        assert code in (0, 1)  # the folder exists: never "inputs cannot be loaded"
    capsys.readouterr()


def test_list_escapes_hostile_names_and_keeps_one_name_per_line(capsys, tmp_path):
    """Names are untrusted: an escape sequence or a newline in a name must not reach the terminal raw."""
    (tmp_path / "secrets.json").write_text(json.dumps({"plain": "a", "red\x1b[31m": "b", "two\nlines": "c"}))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "s.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec:\n  type: secretstores.local.file\n"
        f"  metadata:\n  - name: secretsFile\n    value: {tmp_path / 'secrets.json'}\n"
    )
    code, out, _ = run(capsys, "list", "s", "--resources-path", str(tmp_path / "c"))
    assert code == 0
    assert out.splitlines() == ["plain", "red\\e[31m", "two\\nlines"]
    code, out, _ = run(capsys, "list", "s", "--json", "--resources-path", str(tmp_path / "c"))
    assert json.loads(out)["names"] == ["plain", "red\x1b[31m", "two\nlines"]



def test_list_prints_nested_names_in_flatten_order_and_escapes_them(capsys, tmp_path):
    """A file read whole is printed group by group (one join per object, not one string per name):
    the lines are the names --json gives, in the same order, hostile keys escaped."""
    document = {"b": {"x": "1", "y\x1b[2J": "2"}, "a": "3", "c": {"d": {"e": "4"}, "f": "5"}, "g": {}, "h": {"new\nline": "6"}}
    (tmp_path / "secrets.json").write_text(json.dumps(document))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "s.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec:\n  type: secretstores.local.file\n"
        f"  metadata:\n  - name: secretsFile\n    value: {tmp_path / 'secrets.json'}\n"
    )
    code, out, _ = run(capsys, "list", "s", "--resources-path", str(tmp_path / "c"))
    assert code == 0
    assert out.splitlines() == ["b:x", "b:y\\e[2J", "a", "c:d:e", "c:f", "h:new\\nline"]
    code, out, _ = run(capsys, "list", "s", "--json", "--resources-path", str(tmp_path / "c"))
    assert json.loads(out)["names"] == ["b:x", "b:y\x1b[2J", "a", "c:d:e", "c:f", "h:new\nline"]

# --- no false green for scripts and CI (README "Exit codes") ---------------------------------------


def test_refs_exits_1_when_any_reference_does_not_resolve(in_repo, capsys, tmp_path):
    code, out, _ = run(capsys, "refs", *DEMO)
    assert code == 1 and "not ok" in out.splitlines()[-1]
    code, out, _ = run(capsys, "refs", "--json", *DEMO)
    document = json.loads(out)
    assert code == 1 and document["summary"]["not_ok"] == sum(r["status"] != "ok" for r in document["references"]) > 0
    (tmp_path / "env.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: env}\nspec: {type: secretstores.local.env}\n"
    )
    assert run(capsys, "refs", "--resources-path", str(tmp_path))[0] == 0


@pytest.mark.parametrize(
    "command", [["list", "x"], ["list", "x", "--json"], ["refs", "--json"], ["get", "s", "n"], ["bulk", "s"], ["doctor", "--json"]]
)
def test_inputs_that_cannot_be_loaded_exit_2_with_a_message(capsys, tmp_path, command):
    code, out, err = run(capsys, *command, "--resources-path", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in err + out
    assert out.strip() not in ("[]", "{}")
    (tmp_path / "ok").mkdir()
    code, out, err = run(capsys, *command, "--resources-path", str(tmp_path / "ok"), "--config", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml" in err + out


def test_usage_errors_exit_2(capsys, tmp_path):
    (tmp_path / "env.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: env}\nspec: {type: secretstores.local.env}\n"
    )
    with pytest.raises(SystemExit) as caught:
        main(["get", "env", "HOME", "-m", "no-equals", "--resources-path", str(tmp_path)])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
    capsys.readouterr()


def test_list_marks_names_the_api_would_deny(in_repo, capsys):
    # dapr:pkg/config/configuration.go SecretsScope.IsSecretAllowed decides; bulk leaves them out.
    code, out, err = run(capsys, "list", "demo-file", *DEMO)
    lines = dict(line.partition("\t")[::2] for line in out.splitlines())
    assert code == 0 and lines["tls:signing-key"].startswith("API denied (")
    assert lines["redis:password"] == ""
    assert "denied by the secret scopes" in err
    code, out, _ = run(capsys, "list", "demo-file", "--json", *DEMO)
    document = json.loads(out)
    denied = {entry["name"] for entry in document["api_denied"]}
    assert "tls:signing-key" in denied and "redis:password" not in denied
    assert document["summary"] == {"names": len(document["names"]), "api_denied": len(denied)}
    code, out, _ = run(capsys, "bulk", "demo-file", *DEMO)
    assert denied.isdisjoint(json.loads(out))


def test_every_json_output_has_a_schema_version_and_a_summary(in_repo, capsys):
    for command in (["list", "demo-file"], ["refs"], ["doctor"]):
        _, out, _ = run(capsys, *command, "--json", *DEMO)
        document = json.loads(out)
        assert document["schema_version"] == 1 and isinstance(document["summary"], dict)


def test_json_outputs_escape_terminal_controls_and_keep_the_text(capsys, tmp_path):
    names = {"c1\x9b31m": "a", "bidi\u202eevil": "b", "zero\u200bwidth": "c", "caf\u00e9": "d"}
    (tmp_path / "secrets.json").write_text(json.dumps(names))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "s.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec:\n  type: secretstores.local.file\n"
        f"  metadata:\n  - name: secretsFile\n    value: {tmp_path / 'secrets.json'}\n"
    )
    code, out, _ = run(capsys, "list", "s", "--json", "--resources-path", str(tmp_path / "c"))
    assert code == 0 and sorted(json.loads(out)["names"]) == sorted(names)
    assert not any(char in out for char in "\x9b\u202e\u200b") and "café" in out


def _command(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **DEMO_ENV}
    env.pop("NAMESPACE", None)
    return subprocess.run(["dapr-secrets", *argv], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=60)


def test_command_ends_without_teardown_but_keeps_codes_and_output(tmp_path: Path):
    """The `dapr-secrets` command leaves through tui/cli.py `entry` (no interpreter teardown): every
    exit code and every byte written must be the same as main()'s."""
    names = {f"name-{i:05}": "v" for i in range(20_000)}  # more than one pipe buffer of output
    (tmp_path / "big.json").write_text(json.dumps(names))
    (tmp_path / "big.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: big\nspec:\n  type: secretstores.local.file\n"
        f"  version: v1\n  metadata:\n  - name: secretsFile\n    value: {tmp_path / 'big.json'}\n"
    )
    listed = _command("list", "big", "--resources-path", str(tmp_path))
    assert (listed.returncode, listed.stdout.splitlines(), listed.stderr) == (0, list(names), "")
    got = _command("get", "demo-file", "redis:password", *DEMO, "--app-id", "orders")
    assert (got.returncode, got.stdout) == (0, '{"redis:password":"demo-redis-password"}\n')
    missing = _command("get", "demo-file", "nope", *DEMO)
    assert missing.returncode == 1 and missing.stderr.startswith("{\"errorCode\":")
    usage = _command("list")
    assert usage.returncode == 2 and "usage:" in usage.stderr
    version = _command("--version")
    assert version.returncode == 0 and version.stdout.startswith("dapr-secrets")
    assert _command("--help").stdout.startswith("usage: dapr-secrets")
