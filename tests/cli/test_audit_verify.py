"""The audit trail (issue #12) and `dapr-secrets verify` / `dapr-secrets audit`: real entry point,
real local.file stores in temporary folders, canary values that must never leave the store."""

from __future__ import annotations

import io
import json
import os
import stat
import time
from pathlib import Path

import pytest

from dapr_secrets.backends.audit import AuditLog, default_path, parse_duration, read_entries
from dapr_secrets.backends.verify import MATCH, NO_MATCH, values_match, verify_values
from dapr_secrets.tui.cli import main

CANARY = "canary-value-7f3a9c"  # the stored value: must appear in no output and no audit line
CANDIDATE_WRONG = "candidate-canary-41b2"  # a wrong candidate: the same


@pytest.fixture
def setup(tmp_path: Path, monkeypatch) -> Path:
    """Two local.file stores: `file` (multi-key secret too) and a Configuration that denies `secret`."""
    (tmp_path / "secrets.json").write_text(json.dumps({
        "db-password": CANARY,
        "secret": "denied-canary-99",
        "line": "with-newline\n",
    }))
    (tmp_path / "nested.json").write_text(json.dumps({"db": {"user": "u-canary", "password": CANARY}}))
    components = tmp_path / "components"
    components.mkdir()
    for name, file, extra in (("file", "secrets.json", ""), ("multi", "nested.json", "\n  - name: multiValued\n    value: \"true\"")):
        (components / f"{name}.yaml").write_text(
            f"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n"
            f"  type: secretstores.local.file\n  version: v1\n  metadata:\n"
            f"  - name: secretsFile\n    value: {tmp_path / file}{extra}\n"
        )
    (tmp_path / "config.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec:\n  secrets:\n    scopes:\n"
        "    - storeName: file\n      deniedSecrets: [\"secret\"]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NAMESPACE", raising=False)
    return tmp_path


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--resources-path", "components", "--config", "config.yaml", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def audit_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def assert_no_canary(*texts: str) -> None:
    for text in texts:
        for canary in (CANARY, CANDIDATE_WRONG, "denied-canary-99", "u-canary"):
            assert canary not in text


# ----- the audit log itself


def test_default_path_follows_xdg_state_home(tmp_path):
    assert default_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "dapr-secrets" / "audit.jsonl"
    home = os.path.expanduser("~")
    assert default_path({}) == Path(home, ".local", "state", "dapr-secrets", "audit.jsonl")
    assert default_path({"XDG_STATE_HOME": "relative/dir"}) == Path(home, ".local", "state", "dapr-secrets", "audit.jsonl")


def test_audit_line_has_who_when_what_and_private_permissions(tmp_path):
    path = tmp_path / "state" / "dapr-secrets" / "audit.jsonl"
    log = AuditLog(path, private_dir=True)
    log.record("copy", "file", "secretstores.local.file", "db-password", "db-password", "3", "ok")
    (entry,) = audit_lines(path)
    assert entry["action"] == "copy" and entry["store"] == "file" and entry["secret"] == "db-password"
    assert entry["store_type"] == "secretstores.local.file" and entry["version"] == "3" and entry["outcome"] == "ok"
    assert entry["user"] and entry["host"] and entry["time"].endswith("Z")
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_audit_log_rotates_keeping_three(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, max_bytes=1000)
    for index in range(60):
        log.record("get", "file", "t", f"secret-{index}")
    rotated = sorted(p.name for p in tmp_path.iterdir())
    assert rotated == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2", "audit.jsonl.3"]
    assert all(p.stat().st_size <= 1000 for p in tmp_path.iterdir())
    names = [e.fields["secret"] for e in read_entries(path)]
    assert names == sorted(names, key=lambda n: int(n.split("-")[1]))  # oldest first, across files
    assert names[-1] == "secret-59" and "secret-0" not in names  # the oldest fell off


def test_audit_write_failure_is_told_once_and_never_raises(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    log = AuditLog(blocker / "audit.jsonl")
    log.record("reveal", "file", "t", "a")
    log.record("reveal", "file", "t", "b")
    failure = log.take_failure()
    assert failure and "cannot write the audit log" in failure
    assert log.take_failure() is None


def test_no_audit_log_records_nothing(tmp_path):
    log = AuditLog.from_options(None, disabled=True)
    log.record("get", "file", "t", "a")
    assert not log.enabled and log.take_failure() is None


def test_parse_duration():
    assert parse_duration("24h").total_seconds() == 86400
    assert parse_duration("30m").total_seconds() == 1800
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("yesterday")


# ----- CLI get / bulk are recorded


def test_cli_get_and_bulk_append_audit_lines_without_values(setup, capsys, monkeypatch, private_audit_log):
    code, out, _ = run(capsys, monkeypatch, "get", "file", "db-password")
    assert code == 0 and CANARY in out  # get prints the value: that is its job
    code, _, _ = run(capsys, monkeypatch, "get", "file", "secret")
    assert code == 1
    run(capsys, monkeypatch, "bulk", "file")
    entries = audit_lines(private_audit_log)
    assert [(e["action"], e["secret"], e["outcome"]) for e in entries] == [
        ("get", "db-password", "ok"), ("get", "secret", "denied"), ("bulk", None, "ok")]
    assert_no_canary(private_audit_log.read_text())


def test_audit_log_option_and_no_audit_log(setup, capsys, monkeypatch, private_audit_log, tmp_path):
    mine = tmp_path / "mine" / "trail.jsonl"
    run(capsys, monkeypatch, "get", "file", "db-password", "--audit-log", str(mine))
    assert len(audit_lines(mine)) == 1 and not private_audit_log.exists()
    run(capsys, monkeypatch, "--no-audit-log", "get", "file", "db-password")
    assert len(audit_lines(mine)) == 1 and not private_audit_log.exists()


def test_cli_audit_write_failure_warns_once_on_stderr_and_still_answers(setup, capsys, monkeypatch, tmp_path):
    (tmp_path / "file-not-dir").write_text("")
    code, out, err = run(capsys, monkeypatch, "get", "file", "db-password", "--audit-log", str(tmp_path / "file-not-dir" / "a"))
    assert code == 0 and json.loads(out) == {"db-password": CANARY}
    assert err.count("cannot write the audit log") == 1


# ----- dapr-secrets audit


def test_audit_command_prints_table_json_and_since(setup, capsys, monkeypatch, private_audit_log):
    run(capsys, monkeypatch, "get", "file", "db-password")
    old = {"time": "2020-01-01T00:00:00.000000Z", "user": "u", "host": "h", "action": "copy", "store": "file",
           "store_type": "", "secret": "old-one", "key": None, "version": None, "outcome": "ok"}
    with open(private_audit_log, "a") as handle:
        handle.write(json.dumps(old) + "\nnot json\n")
    code, out, _ = run(capsys, monkeypatch, "audit")
    assert code == 0 and "old-one" in out and "db-password" in out and out.splitlines()[0].startswith("time")
    code, out, _ = run(capsys, monkeypatch, "audit", "--since", "24h", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["secret"] for r in rows] == ["db-password"]
    code, _, err = run(capsys, monkeypatch, "audit", "--since", "soon")
    assert code == 2 and "not a duration" in err


# ----- verify


def test_constant_time_comparison_uses_hmac_compare_digest(monkeypatch):
    import hmac

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((type(a), type(b))) or real(a, b))
    assert values_match("same", "same") and not values_match("same", "other")
    assert calls == [(bytes, bytes)] * 2
    assert values_match("caf\udce9", "caf\udce9")  # undecodable bytes compare as bytes


def test_verify_values_picks_the_only_key_or_asks():
    assert verify_values({"k": "v"}, None, "v").outcome == MATCH
    assert verify_values({"k": "v"}, None, "x").outcome == NO_MATCH
    assert "pick one with --key" in verify_values({"a": "1", "b": "2"}, None, "1").message
    assert "no key 'c'" in verify_values({"a": "1"}, "c", "1").message


def test_verify_match_and_no_match_never_print_values(setup, capsys, monkeypatch, private_audit_log):
    code, out, err = run(capsys, monkeypatch, "verify", "file", "db-password", stdin=CANARY + "\n")
    assert (code, out, err) == (0, "match: file/db-password\n", "")
    code, out, err = run(capsys, monkeypatch, "verify", "file", "db-password", stdin=CANDIDATE_WRONG)
    assert (code, out, err) == (1, "no match: file/db-password\n", "")
    code, out, err = run(capsys, monkeypatch, "verify", "file", "db-password", "-q", stdin=CANARY)
    assert (code, out, err) == (0, "", "")
    entries = audit_lines(private_audit_log)
    assert [(e["action"], e["outcome"]) for e in entries] == [("verify", "match"), ("verify", "no-match"), ("verify", "match")]
    assert_no_canary(private_audit_log.read_text())


def test_verify_strips_one_trailing_newline_only(setup, capsys, monkeypatch):
    assert run(capsys, monkeypatch, "verify", "file", "line", stdin="with-newline\n\n")[0] == 0
    assert run(capsys, monkeypatch, "verify", "file", "line", stdin="with-newline\n")[0] == 1


def test_verify_scope_denied_is_an_error(setup, capsys, monkeypatch, private_audit_log):
    """Secret scopes apply like GET (daprd's secretsAPI isSecretAllowed): a denied secret exits 2."""
    code, out, err = run(capsys, monkeypatch, "verify", "file", "secret", stdin="denied-canary-99")
    assert code == 2 and out == "" and "access denied by policy" in err
    assert audit_lines(private_audit_log)[-1]["outcome"] == "error"
    assert_no_canary(out, err)


def test_verify_multi_key_needs_key(setup, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "verify", "multi", "db", stdin=CANARY)
    assert code == 2 and "pick one with --key" in err
    code, out, err = run(capsys, monkeypatch, "verify", "multi", "db", "--key", "password", stdin=CANARY)
    assert (code, out) == (0, "match: multi/db [password]\n")
    code, out, err = run(capsys, monkeypatch, "verify", "multi", "db", "--key", "user", stdin=CANARY)
    assert code == 1
    assert_no_canary(out, err)


def test_verify_unknown_store_or_secret_is_error(setup, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "verify", "nope", "x", stdin="a")
    assert code == 2 and out == "" and "failed finding secret store" in err
    code, out, err = run(capsys, monkeypatch, "verify", "file", "missing", stdin="a")
    assert code == 2 and out == ""


def test_audit_entries_are_oldest_first_and_recent(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl")
    log.record("reveal", "s", "t", "one")
    time.sleep(0.001)
    log.record("copy", "s", "t", "two")
    assert [e.fields["secret"] for e in read_entries(tmp_path / "a.jsonl")] == ["one", "two"]
