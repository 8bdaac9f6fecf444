"""`dapr-secrets COMMAND ...` builds only COMMAND's options (issue #16: every headless command pays
for the parser); what it parses and prints must be what the whole parser gives."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from dapr_secrets.tui.cli import build_parser


def _commands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def _parse(argv: list[str], only: str | None) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = vars(build_parser(only=only).parse_args(argv))
        except SystemExit as done:
            result = ("exit", done.code)
    return result, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", _commands())
@pytest.mark.parametrize("rest", [[], ["--help"], ["a", "b"], ["a", "--app-id", "x", "--json"], ["a", "--no-such-option"]])
def test_a_command_written_first_parses_as_with_the_whole_parser(command: str, rest: list[str]) -> None:
    argv = [command, *rest]
    assert _parse(argv, only=command) == _parse(argv, only=None)


def test_the_list_command_has_every_common_option() -> None:
    # the check above can fail: with only="get", `list` has no --app-id
    assert _parse(["list", "s", "--app-id", "x"], only="get")[0] == ("exit", 2)
    assert _parse(["list", "s", "--app-id", "x"], only="list")[0]["app_id"] == "x"  # type: ignore[index]  # a dict here
