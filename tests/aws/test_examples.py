"""examples/aws works as its README says: the seed script against moto, then the CLI's answers
printed in the README; the other components load and open (daprd's Init needs no network)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions, State
from dapr_secrets.components.loader import load_resources
from dapr_secrets.tui.cli import main

EXAMPLES = Path(__file__).parents[2] / "examples" / "aws"
README = (EXAMPLES / "README.md").read_text()


def readme_answer(command_fragment: str) -> dict:
    """The `# {...}` line the README prints after the command containing `command_fragment`."""
    match = re.search(re.escape(command_fragment) + r"[^\n]*\n# (\{[^\n]*\})", README)
    assert match, command_fragment
    return json.loads(match.group(1))


def test_the_readme_recipe_against_moto(aws, tmp_path, monkeypatch, capsys):
    local = tmp_path / "local"
    local.mkdir()
    for file in (EXAMPLES / "local").iterdir():
        (local / file.name).write_text(file.read_text().replace("http://127.0.0.1:5000", aws))
    subprocess.run([sys.executable, str(EXAMPLES / "seed_moto.py"), aws], check=True, capture_output=True, timeout=120)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", aws)

    assert main(["get", "aws-sm-local", "orders/db", "--resources-path", str(local)]) == 0
    assert json.loads(capsys.readouterr().out) == readme_answer("get aws-sm-local orders/db")
    assert main(["get", "aws-ssm-local", "db/password", "-m", "version_id=previous", "--resources-path", str(local)]) == 0
    assert json.loads(capsys.readouterr().out) == readme_answer("get aws-ssm-local db/password")
    main(["doctor", "--resources-path", str(local)])
    assert "demo-" not in capsys.readouterr().out  # the doctor never prints a value


def test_the_other_components_load_and_open_without_network(tmp_path):
    result = load_resources([str(EXAMPLES / "components")])
    assert result.diagnostics == [] and len(result.components) == 4
    env = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE12", "AWS_SECRET_ACCESS_KEY": "x", "AWS_SESSION_TOKEN": "t"}
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(EXAMPLES / "components"),), env=env, cwd=str(tmp_path)))
    try:
        for name in ("aws-sm-static-keys", "aws-sm-default-chain", "aws-ssm-default-chain"):
            assert runtime.open(name).state == State.READY, runtime.status(name).message
    finally:
        runtime.close()
