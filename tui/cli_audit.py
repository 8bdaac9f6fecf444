"""The CLI's value-blind commands and the audit trail: `verify`, `audit`, and the
--audit-log / --no-audit-log options. Kept apart from tui/cli.py so that each stays small.

Imports neither Textual nor any store SDK.
"""

from __future__ import annotations

import argparse
import os
import sys

from dapr_secrets.backends.runtime import Runtime
from dapr_secrets.tui.escape import escape_control, json_text

# `typing` is for type checkers only (the headless CLI's startup); the audit and verify modules
# are imported by the commands that use them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from dapr_secrets.backends.audit import AuditLog


def add_audit_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("audit trail")
    group.add_argument(
        "--audit-log", metavar="PATH", default=default(None),
        help=f"append one JSON line per value touched to PATH (default {_shown_default()})",
    )
    group.add_argument("--no-audit-log", action="store_true", default=default(False), help="keep no audit trail")


def _shown_default() -> str:
    return "$XDG_STATE_HOME/dapr-secrets/audit.jsonl"


def add_commands(command) -> None:
    """`command(name, help)` makes a sub-parser with the common options (see tui/cli.py)."""
    verify = command(
        "verify",
        "does a candidate (from stdin, or typed without echo) equal the value GET would return? "
        "exit 0 match, 1 no match, 2 error",
    )
    verify.add_argument("store")
    verify.add_argument("name")
    verify.add_argument("--key", help="the key to compare (needed when the secret has several)")
    verify.add_argument("-m", "--metadata", action="append", default=[], metavar="KEY=VALUE",
                        help="request metadata, like get's (version_id=... compares an older version)")
    verify.add_argument("-q", "--quiet", action="store_true", help="print nothing: the exit status says it")
    audit = command("audit", "print the audit trail: who revealed, copied, verified or compared what, and when")
    audit.add_argument("--since", metavar="DURATION", help="only the last DURATION (e.g. 30m, 24h, 7d)")
    audit.add_argument("--json", action="store_true", help="JSON lines, as stored")


def audit_log_from_args(args: argparse.Namespace) -> AuditLog:
    from dapr_secrets.backends.audit import AuditLog

    return AuditLog.from_options(getattr(args, "audit_log", None), getattr(args, "no_audit_log", False))


def store_type(runtime: Runtime, store: str) -> str:
    component = runtime.component(store)
    return component.type if component is not None else ""


def requested_version(runtime: Runtime, store: str, metadata: Mapping[str, str]) -> str | None:
    """The version a request asked for, under its store's key (Tencent's is VersionID)."""
    opened = runtime.store(store)
    return metadata.get(opened.version_key if opened is not None else "version_id")


def say_audit_failure(audit: AuditLog) -> None:
    """A failed audit write is said once, on stderr; the command itself goes on."""
    failure = audit.take_failure()
    if failure:
        print(f"dapr-secrets: warning: {escape_control(failure)}", file=sys.stderr)


# ----- verify


def read_candidate() -> str | None:
    """The candidate: typed without echo on a terminal, else all of stdin less one trailing
    newline (so `echo pw | dapr-secrets verify ...` works). None when there is no input."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass("candidate (not shown): ")
    if sys.stdin is None:
        return None
    text = sys.stdin.read()
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def run_verify(runtime: Runtime, args: argparse.Namespace, metadata: dict[str, str]) -> int:
    from dapr_secrets.backends.verify import ERROR, MATCH, verify_secret

    audit = audit_log_from_args(args)
    label = escape_control(f"{args.store}/{args.name}" + (f" [{args.key}]" if args.key else ""))
    try:
        candidate = read_candidate()
    except (EOFError, OSError):
        candidate = None
    if candidate is None:
        print("dapr-secrets: no candidate: pipe it on stdin or run verify in a terminal", file=sys.stderr)
        return 2
    verdict = verify_secret(runtime, args.store, args.name, candidate, args.key, metadata)
    del candidate  # not kept longer than the comparison
    audit.record("verify", args.store, store_type(runtime, args.store), args.name, verdict.key,
                 requested_version(runtime, args.store, metadata), verdict.outcome)
    say_audit_failure(audit)
    if verdict.outcome == ERROR:
        print(f"dapr-secrets: cannot verify {label}: {escape_control(verdict.message)}", file=sys.stderr)
        return 2
    if not args.quiet:
        shown = verdict.key and not args.key and verdict.key != args.name  # local.file: key == name
        key = f" [{escape_control(verdict.key or '')}]" if shown else ""
        print(f"{'match' if verdict.outcome == MATCH else 'no match'}: {label}{key}")
    return 0 if verdict.outcome == MATCH else 1


# ----- audit


COLUMNS = ("time", "user", "host", "action", "store", "secret", "key", "version", "outcome")


def run_audit(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone
    from pathlib import Path

    from dapr_secrets.backends.audit import default_path, parse_duration, read_entries

    path = Path(os.path.expanduser(args.audit_log)) if getattr(args, "audit_log", None) else default_path()
    since = None
    if args.since:
        try:
            since = datetime.now(timezone.utc) - parse_duration(args.since)
        except ValueError as error:
            print(f"dapr-secrets: --since: {escape_control(str(error))}", file=sys.stderr)
            return 2
    entries = list(read_entries(path, since))
    if args.json:
        for entry in entries:
            print(json_text(entry.fields, indent=None))
        return 0
    if not entries:
        where = escape_control(str(path))
        print(f"no audit entries{' in the last ' + escape_control(args.since) if args.since else ''} ({where})")
        return 0
    rows = [COLUMNS] + [
        tuple(escape_control(_cell(entry.fields.get(column))) for column in COLUMNS) for entry in entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _cell(value: object) -> str:
    return "-" if value in (None, "") else str(value)
