"""The examples and the exit-code table every `--help` ends with (same table as the README's)."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_CODES = """exit codes:
  0  ok
  1  not ok: findings, a reference that does not resolve, drift, a Dapr API error
  2  usage error, or the inputs (resources folders, --config files, cluster) cannot be loaded"""

DEMO = "--resources-path examples/components --config examples/config.yaml --app-id orders"

# One example per command, runnable from a checkout on the demo.
EXAMPLES = {
    None: f"dapr-secrets {DEMO}",
    "get": f"dapr-secrets get demo-file redis:password {DEMO}",
    "bulk": f"dapr-secrets bulk demo-file {DEMO}",
    "list": f"dapr-secrets list demo-file --json {DEMO}",
    "refs": f"dapr-secrets refs {DEMO}",
    "doctor": f"dapr-secrets doctor {DEMO}",
    "drift": f"dapr-secrets drift --sidecar http://localhost:3500 {DEMO}",
    "verify": f"printf %s \"$EXPECTED\" | dapr-secrets verify demo-file redis:password {DEMO}",
    "diff": "dapr-secrets diff demo-file --against-resources-path ../prod/components --resources-path examples/components",
    "audit": "dapr-secrets audit --since 24h",
    "versions": f"dapr-secrets versions demo-file redis:password {DEMO}",
    "completion": "eval \"$(dapr-secrets completion bash)\"   # in ~/.bashrc",
}


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's, given the width it would take from shutil.get_terminal_size(), read without importing
    shutil: argparse makes a formatter for every option it adds, and shutil pulls in zlib, bz2 and lzma
    (~2 ms of every headless command, issue #16)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width)


def terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS when it is a positive number, else stdout's
    terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]  # None: caught below
    except (AttributeError, ValueError, OSError):  # no stdout, a closed one, or not a terminal
        return 80


def epilog(command: str | None) -> str:
    example = EXAMPLES.get(command)
    return (f"example:\n  {example}\n\n" if example else "") + EXIT_CODES


def describe(parser: argparse.ArgumentParser, commands: argparse._SubParsersAction) -> None:
    """Give the top-level help and each command's help an example and the exit codes."""
    parser.epilog = f"{parser.epilog}\n\n{epilog(None)}" if parser.epilog else epilog(None)
    for name, sub in commands.choices.items():
        sub.epilog = epilog(name)
        sub.formatter_class = HelpFormatter
