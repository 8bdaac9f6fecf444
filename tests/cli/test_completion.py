"""Shell completion (issue #17): commands, options, store and secret names from the resources path
on the command line, never a value; the scripts run in real bash, zsh and fish when installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dapr_secrets.tui import completion
from dapr_secrets.tui.cli import build_parser, main
from tests.helpers.imports import SDK_MODULES, UI_MODULES, modules_after, top_level

ROOT = Path(__file__).resolve().parents[2]
DEMO = ["--resources-path", "examples/components", "--config", "examples/config.yaml", "--app-id", "orders"]
DEMO_VALUES = json.loads((ROOT / "examples/components/secrets/app-secrets.json").read_text())


@pytest.fixture(autouse=True)
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)  # the demo's local.file path is relative to the working directory
    monkeypatch.setenv("DEMO_API_TOKEN", "demo-token-not-real")


def leaves(document, prefix=""):
    for key, value in document.items():
        if isinstance(value, dict):
            yield from leaves(value, f"{prefix}{key}:")
        else:
            yield f"{prefix}{key}", str(value)


def test_commands_complete_from_the_parser():
    kind, names = completion.complete([], "")
    subcommands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert kind == completion.WORDS
    assert names == list(subcommands) and "completion" in names and completion.CALLBACK not in names
    assert completion.complete([], "d")[1] == [n for n in subcommands if n.startswith("d")]


def test_options_complete_for_the_command_typed():
    _, options = completion.complete(["list"], "--")
    assert "--json" in options and "--resources-path" in options and "--reveal-timeout" not in options
    _, options = completion.complete([], "--re")
    assert options == ["--resources-path", "--reveal-timeout"]


def test_option_values_complete_paths_or_choices():
    assert completion.complete(["--resources-path"], "ex") == (completion.DIRECTORIES, [])
    assert completion.complete(["get", "--config"], "") == (completion.FILES, [])
    assert completion.complete(["--clipboard"], "o") == (completion.WORDS, ["osc52", "off"])
    assert completion.complete(["completion"], "") == (completion.WORDS, list(completion.SHELLS))


def test_store_names_come_from_the_resources_path_on_the_command_line():
    _, stores = completion.complete(["get", *DEMO], "")
    assert stores == ["demo-chained", "demo-env", "demo-file", "demo-multi"]
    # given after the command, or as --opt=value, or split at '=' by bash: the same folder
    assert completion.complete(["--resources-path=examples/components", "bulk"], "demo-f")[1] == ["demo-file"]
    assert completion.complete(["list", "--resources-path", "=", "examples/components"], "demo-f")[1] == ["demo-file"]
    assert completion.complete(["list", "--resources-path", "/nonexistent"], "") == (completion.WORDS, [])


def test_secret_names_are_the_names_list_prints_and_never_a_value(capsys):
    assert main(["list", "demo-file", *DEMO]) == 0
    listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]  # a denied name has a tab note
    kind, names = completion.complete(["get", *DEMO, "demo-file"], "")
    assert kind == completion.WORDS and names == listed
    values = {value for _, value in leaves(DEMO_VALUES)}
    assert values and not values & set(names)
    assert completion.complete(["get", *DEMO, "demo-file"], "redis:") == (completion.WORDS, ["redis:password", "redis:port"])


def test_a_store_configured_from_another_stores_secret_is_not_opened():
    """demo-chained's secretsFile is a secretKeyRef into demo-file: listing it means reading a value."""
    assert completion.complete(["get", *DEMO, "demo-chained"], "") == (completion.WORDS, [])


def test_completion_imports_no_ui_and_no_store_sdk_it_does_not_need():
    code = f"from dapr_secrets.tui import completion; completion.complete(['get', *{DEMO!r}, 'demo-file'], '')"
    loaded = top_level(modules_after(code))
    assert not loaded & set(UI_MODULES + SDK_MODULES)


def test_the_callback_prints_a_kind_line_then_candidates(capsys):
    assert main([completion.CALLBACK, "list", *DEMO, "--", "demo-e"]) == 0
    assert capsys.readouterr().out == ":words\ndemo-env\n"


def test_every_script_is_printed_by_the_command(capsys):
    for shell in completion.SHELLS:
        assert main(["completion", shell]) == 0
        assert capsys.readouterr().out == completion.script(shell)


def shell_or_skip(name: str) -> str:
    path = shutil.which(name)
    if path is None or shutil.which("dapr-secrets") is None:
        pytest.skip(f"{name} or the dapr-secrets command is not installed")
    return path


def run_shell(shell: str, script: str) -> list[str]:
    done = subprocess.run([shell_or_skip(shell), "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_script_completes_secret_names():
    out = run_shell("bash", 'eval "$(dapr-secrets completion bash)"; '
                    "COMP_WORDS=(dapr-secrets get --resources-path examples/components demo-file redis:); "
                    'COMP_CWORD=5; _dapr_secrets; printf "%s\\n" "${COMPREPLY[@]}"')
    assert out == ["redis:password", "redis:port"]


def test_zsh_script_completes_store_names():
    # compadd only works inside a completion widget: stand-ins print what the script hands them
    out = run_shell("zsh", 'compdef() {}; compadd() { shift 2; print -l -- "$@" }; _directories() { print DIRS }; '
                    'eval "$(dapr-secrets completion zsh)"; '
                    "words=(dapr-secrets list --resources-path examples/components demo-); CURRENT=5; _dapr-secrets; "
                    "words=(dapr-secrets --resources-path ex); CURRENT=3; _dapr-secrets")
    assert out == ["demo-chained", "demo-env", "demo-file", "demo-multi", "DIRS"]


def test_fish_script_completes_commands_and_secret_names():
    out = run_shell("fish", "dapr-secrets completion fish | source; "
                    'complete -C"dapr-secrets do"; '
                    'complete -C"dapr-secrets get --resources-path examples/components demo-file redis:"')
    assert out == ["doctor", "redis:password", "redis:port"]


def test_version_names_the_dapr_releases_it_reproduces():
    done = subprocess.run([sys.executable, "-m", "dapr_secrets.tui.cli", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("dapr-secrets ") and "(dapr 1.18.3, components-contrib 1.18.4)" in done.stdout


def test_every_help_has_an_example_and_the_exit_codes():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in [(None, parser), *commands.items()]:
        text = sub.format_help()
        assert any(f"example:\n  {start}" in text for start in ("dapr-secrets ", "eval ", "printf ")), name
        assert "exit codes:\n  0  ok\n  1  not ok" in text and "\n  2  usage error" in text, name
