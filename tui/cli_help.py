"""The examples and the exit-code table every `--help` ends with (same table as the README's)."""

from __future__ import annotations

import argparse

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


def epilog(command: str | None) -> str:
    example = EXAMPLES.get(command)
    return (f"example:\n  {example}\n\n" if example else "") + EXIT_CODES


def describe(parser: argparse.ArgumentParser, commands: argparse._SubParsersAction) -> None:
    """Give the top-level help and each command's help an example and the exit codes."""
    parser.epilog = f"{parser.epilog}\n\n{epilog(None)}" if parser.epilog else epilog(None)
    for name, sub in commands.choices.items():
        sub.epilog = epilog(name)
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
