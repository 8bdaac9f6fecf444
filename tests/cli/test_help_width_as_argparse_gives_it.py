"""The help formatter reads the terminal width without importing shutil (issue #16: ~2 ms of every
headless command); the width, and so every help text, must be what argparse's own formatter gives."""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil

import pytest

from dapr_secrets.tui import cli_help
from dapr_secrets.tui.cli import build_parser


@pytest.mark.parametrize("columns", [None, "", "0", "-5", "wide", "57", "200"])
def test_the_width_is_shutils(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert cli_help.terminal_columns() == shutil.get_terminal_size().columns


def test_without_a_stdout_the_width_is_shutils_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("sys.__stdout__", None)
    assert cli_help.terminal_columns() == shutil.get_terminal_size().columns == 80


def _help(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser(only=argv[0] if argv[0] != "--help" else None).parse_args(argv)
    return out.getvalue()


@pytest.mark.parametrize("columns", ["50", "100", "160"])
@pytest.mark.parametrize("argv", [["--help"], ["list", "--help"], ["diff", "--help"], ["completion", "--help"]])
def test_help_reads_as_with_argparses_formatter(monkeypatch: pytest.MonkeyPatch, columns: str, argv: list[str]) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    ours = _help(argv)
    monkeypatch.setattr(cli_help, "HelpFormatter", argparse.RawDescriptionHelpFormatter)
    assert ours == _help(argv)


def test_the_width_reaches_the_help(monkeypatch: pytest.MonkeyPatch) -> None:
    # the comparison above can fail: the help is wrapped to the terminal
    monkeypatch.setenv("COLUMNS", "50")
    narrow = _help(["list", "--help"])
    monkeypatch.setenv("COLUMNS", "160")
    assert narrow != _help(["list", "--help"])
