"""`dapr-secrets diff`: compare two stores, or one store across two environments, value-blind.

Exit status like diff(1): 0 identical, 1 different, 2 trouble. Imports neither Textual nor any
store SDK the stores do not need.
"""

from __future__ import annotations

import argparse
import os
import sys

from dapr_secrets.backends.base import LastChanged, StoreError
from dapr_secrets.backends.runtime import Runtime
from dapr_secrets.tui import cli_audit
from dapr_secrets.tui.escape import escape_control, json_text

TYPE_CHECKING = False  # `typing` only for the type checker: the CLI's startup does not import it
if TYPE_CHECKING:
    from typing import Any

# The compare module is imported by `diff` itself, not at the CLI's startup.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dapr_secrets.backends.compare import Comparison, Fingerprinter


def add_command(command) -> None:
    diff = command(
        "diff",
        "compare two stores, or a store across environments, without showing a value (exit 0 same, 1 different, 2 trouble)",
    )
    diff.add_argument("store")
    diff.add_argument("other_store", nargs="?", help="the store to compare with (default: STORE, in the other environment)")
    diff.add_argument("--json", action="store_true", help="every row as JSON, for CI")
    diff.add_argument("--all", action="store_true", help="list the secrets that are the same too")
    other = diff.add_argument_group("the other environment (built by the same Dapr rules)")
    other.add_argument("--against-resources-path", action="append", metavar="DIR", help="its resources folder (repeatable)")
    other.add_argument("--against-config", action="append", metavar="FILE", help="its Configuration file (repeatable)")
    other.add_argument("--against-namespace", metavar="NS", help="its namespace")
    other.add_argument("--against-context", metavar="CTX", help="its kubeconfig context")
    prints = diff.add_argument_group("fingerprints (keyed HMAC-SHA256, never an unkeyed hash)")
    prints.add_argument("--fingerprints", action="store_true", help="show fingerprints, keyed with a random key for this run")
    prints.add_argument("--fingerprint-key-env", metavar="VAR",
                        help="key the fingerprints with the text of environment variable VAR (two people with the same key can compare)")


def add_versions_command(command) -> None:
    versions = command("versions", "each version of a secret: which keys were added, removed or changed, and when (never values)")
    versions.add_argument("store")
    versions.add_argument("name")
    versions.add_argument("--json", action="store_true", help="a JSON array, newest version first")


def run_versions(runtime: Runtime, args: argparse.Namespace) -> int:
    """Reads every listed version (up to backends.versions.MAX_VERSIONS) like GET with version_id;
    secret scopes apply as they do to `get`."""
    from dapr_secrets.backends.compare import CompareError, open_store
    from dapr_secrets.backends.versions import version_changes

    audit = cli_audit.audit_log_from_args(args)
    kind = cli_audit.store_type(runtime, args.store)
    try:
        store = open_store(runtime, args.store)
        decision = runtime.scope_decision(args.store, args.name)
        if not decision.allowed:
            raise CompareError(f"access denied by policy to get {args.name!r} from {args.store!r}", decision.rule)
        details = store.describe(args.name)
        changes = version_changes(store, args.name, details.versions)
    except (CompareError, StoreError) as error:
        audit.record("versions", args.store, kind, args.name, outcome="error")
        cli_audit.say_audit_failure(audit)
        print(f"dapr-secrets: {escape_control(error.message)}", file=sys.stderr)
        if error.hint:
            print(f"  hint: {escape_control(error.hint)}", file=sys.stderr)
        return 2
    audit.record("versions", args.store, kind, args.name, outcome="ok")
    cli_audit.say_audit_failure(audit)
    if args.json:
        print(json_text([change.to_json() for change in changes]))
        return 0
    if not changes:
        print(f"{escape_control(args.store)} keeps no versions of {escape_control(args.name)}")
        return 0
    states = {version.id: version.state for version in details.versions}
    rows = [("version", "created", "state", "changes")] + [
        (escape_control(c.version), escape_control(c.created or "-"), escape_control(states.get(c.version) or "-"),
         escape_control(c.summary()))
        for c in changes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    return 0


def other_environment(runtime: Runtime, args: argparse.Namespace) -> tuple[Runtime, str] | None:
    """The other side's runtime and how to say it, or None when both sides share this one."""
    options = runtime.options
    changes: dict[str, Any] = {}
    said: list[str] = []
    if args.against_resources_path:
        changes["resources_paths"] = tuple(args.against_resources_path)
        changes["resources_from_cluster"] = False
        said.append("from " + ", ".join(args.against_resources_path))
    if args.against_config:
        changes["config_files"] = tuple(args.against_config)
        said.append("with " + ", ".join(args.against_config))
    if args.against_namespace is not None:
        changes["namespace"] = args.against_namespace
        said.append(f"in namespace {args.against_namespace}")
    if args.against_context is not None:
        changes["kube_context"] = args.against_context
        said.append(f"in context {args.against_context}")
    if not changes:
        return None
    return Runtime.load(options.replace(**changes)), " ".join(said)


def _fingerprinter(args: argparse.Namespace) -> Fingerprinter | None:
    from dapr_secrets.backends.compare import CompareError, Fingerprinter

    if args.fingerprint_key_env:
        key = os.environ.get(args.fingerprint_key_env, "")
        if not key:
            raise CompareError(f"environment variable {args.fingerprint_key_env} is not set or empty",
                               "export the shared fingerprint key in it (never pass a key on the command line)")
        return Fingerprinter(key.encode("utf-8", "surrogateescape"))
    return Fingerprinter() if args.fingerprints else None


def run_diff(runtime: Runtime, args: argparse.Namespace) -> int:
    from dapr_secrets.backends.compare import CompareError, compare

    audit = cli_audit.audit_log_from_args(args)
    other_store = args.other_store or args.store
    other_runtime: Runtime | None = None
    right_label = other_store
    try:
        fingerprint = _fingerprinter(args)
        other = other_environment(runtime, args)
        if other is not None:
            other_runtime, where = other
            right_label = f"{other_store} ({where})"
        elif args.other_store is None:
            raise CompareError("nothing to compare with",
                               "name a second store, or another environment with --against-resources-path, "
                               "--against-config, --against-namespace or --against-context")
        result = compare(runtime, args.store, other_runtime or runtime, other_store, left_label=args.store,
                         right_label=right_label, across_environments=other is not None, fingerprint=fingerprint)
    except (CompareError, StoreError) as error:
        audit.record("diff", args.store, cli_audit.store_type(runtime, args.store), outcome="error", other=right_label)
        cli_audit.say_audit_failure(audit)
        print(f"dapr-secrets: {escape_control(error.message)}", file=sys.stderr)
        if error.hint:
            print(f"  hint: {escape_control(error.hint)}", file=sys.stderr)
        return 2
    finally:
        if other_runtime is not None:
            other_runtime.close()
    outcome = "same" if result.identical else ("error" if result.unreadable else "different")
    audit.record("diff", args.store, cli_audit.store_type(runtime, args.store), outcome=outcome, other=right_label)
    cli_audit.say_audit_failure(audit)
    if args.json:
        print(json_text(result.to_json()))
    else:
        print_table(result, args.all, fingerprint is not None)
    return result.exit_status()


def _minute(changed: LastChanged | None) -> str:
    return changed.minute() if changed is not None else "-"


def print_table(result: Comparison, everything: bool, fingerprints: bool) -> None:
    from dapr_secrets.backends.compare import SAME

    rows = [row for row in result.rows if everything or row.status != SAME or row.shared]
    dated = any(row.left_changed or row.right_changed for row in rows)  # the stores say when secrets changed
    headers = (("status", "secret", "key") + (("left", "right") if fingerprints else ())
               + (("left changed", "right changed") if dated else ()))
    table = [headers] + [
        (row.status + (" (shared)" if row.shared else ""), escape_control(row.name), escape_control(row.key or "-"))
        + ((row.left_fingerprint or "-", row.right_fingerprint or "-") if fingerprints else ())
        + ((_minute(row.left_changed), _minute(row.right_changed)) if dated else ())
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    print(f"left: {escape_control(result.left)}   right: {escape_control(result.right)}")
    if rows:
        for line, row in zip(table, [None, *rows], strict=True):
            text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            print(text + (f"  {escape_control(row.reason)}" if row is not None and row.reason else ""))
    counts = result.counts()
    print(", ".join(f"{count:,} {status}" for status, count in counts.items() if count) or "both sides are empty")
    if result.shared:
        print(f"finding: {len(result.shared):,} value(s) are the same in both environments "
              "(a credential shared between environments)")
