"""The `dapr-secrets` command: the TUI by default, or a headless command that answers like daprd.

Headless commands import neither Textual nor any store SDK they do not use.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence

from backends.base import StoreError, walk_names
from backends.runtime import DEFAULT_RESOURCES_PATH, Runtime, RuntimeOptions, State
from components.model import Diagnostic, Severity
from tui import cli_audit, cli_diff
from tui.escape import escape_control, is_printable

EPILOG = """commands answer like daprd's HTTP API for the same files:
  get STORE NAME      body of GET /v1.0/secrets/STORE/NAME
  bulk STORE          body of GET /v1.0/secrets/STORE/bulk
  list STORE          secret names, as bulk would return them (values are never read)
  refs                every secretKeyRef and whether it resolves (never prints values)
  doctor              everything wrong, with file:line; exit status 1 on errors
  verify STORE NAME   does the value on stdin match? (never prints values; exit 0/1/2)
  audit               who revealed, copied or verified what, and when
  diff STORE [OTHER]  compare two stores or environments, value-blind (exit 0/1/2 like diff)
  versions STORE NAME which keys each version added, removed or changed, and when (never values)
without a command, the terminal UI opens."""


def _common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """The options every command takes. Sub-commands repeat them with SUPPRESS defaults so that
    `dapr-secrets --app-id a get ...` and `dapr-secrets get ... --app-id a` both work."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("where the components come from")
    group.add_argument(
        "--resources-path",
        "--components-path",
        dest="resources_paths",
        action="append",
        metavar="DIR",
        default=default(None),
        help=f"a folder of component YAML files, like daprd's (repeatable; default {DEFAULT_RESOURCES_PATH})",
    )
    group.add_argument(
        "--config", dest="config_files", action="append", metavar="FILE", default=default(None),
        help="a Configuration file for secret scopes (repeatable, like daprd's --config); "
        "when reading from a cluster, the name of the Configuration the app's pod uses",
    )
    group.add_argument("--app-id", default=default(None), help="the app ID: applies component scopes and secret scopes")
    group.add_argument(
        "--namespace", default=default(None),
        help="the NAMESPACE daprd runs in (overrides the NAMESPACE environment variable)",
    )
    group.add_argument(
        "--kubernetes", action="store_true", default=default(False),
        help="Kubernetes mode: built-in `kubernetes` store as the default auth store; "
        "without --resources-path, read Components and Configurations from the cluster",
    )
    group.add_argument("--context", dest="kube_context", default=default(None), help="kubeconfig context (Kubernetes mode)")
    group.add_argument(
        "--vault-token-from-env", action="store_true", default=default(False),
        help="when a Vault component's own token cannot be resolved, use VAULT_TOKEN or ~/.vault-token",
    )
    cli_audit.add_audit_options(parser, suppress)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dapr-secrets",
        description="Browse Dapr secret stores the way daprd sees them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_options(parser, suppress=False)
    ui = parser.add_argument_group("terminal UI")
    ui.add_argument("--reveal-timeout", type=float, default=30.0, metavar="SECONDS", help="re-mask a revealed value after this long (default 30)")
    ui.add_argument("--clipboard-timeout", type=float, default=30.0, metavar="SECONDS", help="clear a copied value from the clipboard after this long (default 30)")
    ui.add_argument("--no-reveal", action="store_true", help="never show values (for screen sharing); copy still works")
    ui.add_argument("--clipboard", dest="clipboard_mode", choices=("auto", "osc52", "native", "off"), default="auto", help="how to copy: OSC 52 and the native clipboard (auto), one of them, or off")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _common_options(sub, suppress=True)
        return sub

    get = command("get", "print what GET /v1.0/secrets/STORE/NAME would answer")
    get.add_argument("store")
    get.add_argument("name")
    get.add_argument("-m", "--metadata", action="append", default=[], metavar="KEY=VALUE", help="request metadata, like ?metadata.KEY=VALUE (version_id, namespace, ...)")
    bulk = command("bulk", "print what GET /v1.0/secrets/STORE/bulk would answer")
    bulk.add_argument("store")
    bulk.add_argument("-m", "--metadata", action="append", default=[], metavar="KEY=VALUE")
    names = command("list", "list the secret names of a store (never reads values)")
    names.add_argument("store")
    names.add_argument("--json", action="store_true", help="a JSON array of names")
    refs = command("refs", "every secretKeyRef and whether daprd would resolve it")
    refs.add_argument("--json", action="store_true")
    doctor = command("doctor", "everything wrong with the components, configuration and stores")
    doctor.add_argument("--json", action="store_true")
    cli_audit.add_commands(command)
    cli_diff.add_command(command)
    cli_diff.add_versions_command(command)
    return parser


def options_from_args(args: argparse.Namespace) -> RuntimeOptions:
    paths = tuple(args.resources_paths or ())
    from_cluster = bool(args.kubernetes and not paths)
    return RuntimeOptions(
        resources_paths=paths or (() if from_cluster else (DEFAULT_RESOURCES_PATH,)),
        config_files=tuple(args.config_files or ()),
        app_id=args.app_id,
        namespace=args.namespace,
        kubernetes=args.kubernetes,
        resources_from_cluster=from_cluster,
        kube_context=args.kube_context,
        vault_token_from_env=args.vault_token_from_env,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "audit":  # reads the log only: no components, no stores
        return cli_audit.run_audit(args)
    try:
        runtime = Runtime.load(options_from_args(args))
    except StoreError as error:  # e.g. the cluster is unreachable in Kubernetes mode
        _fail(error.message, error.hint)
        return 2
    try:
        if args.command is None:
            return _run_tui(runtime, args)
        handler = {
            "get": _get, "bulk": _bulk, "list": _list, "refs": _refs, "doctor": _doctor, "verify": _verify,
            "diff": cli_diff.run_diff, "versions": cli_diff.run_versions,
        }[args.command]
        return handler(runtime, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `dapr-secrets list x | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        runtime.close()


def _run_tui(runtime: Runtime, args: argparse.Namespace) -> int:
    from tui.app import UiSettings, run_app

    settings = UiSettings(
        reveal_timeout=args.reveal_timeout,
        clipboard_timeout=args.clipboard_timeout,
        no_reveal=args.no_reveal,
        clipboard_mode=args.clipboard_mode,
    )
    return run_app(runtime, settings, cli_audit.audit_log_from_args(args))


def _parse_metadata(pairs: Sequence[str]) -> dict[str, str]:
    """`-m KEY=VALUE`; like daprd, only the first value of a repeated key counts."""
    metadata: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"dapr-secrets: -m takes KEY=VALUE, got {pair!r}")
        metadata.setdefault(key, value)
    return metadata


def _warn_if_daprd_would_not_start(runtime: Runtime) -> None:
    for diagnostic in runtime.diagnostics:
        if diagnostic.severity == Severity.ERROR:
            print(f"warning: {_format_diagnostic(diagnostic)}", file=sys.stderr)


def _get(runtime: Runtime, args: argparse.Namespace) -> int:
    _warn_if_daprd_would_not_start(runtime)
    metadata = _parse_metadata(args.metadata)
    response = runtime.api_get(args.store, args.name, metadata)
    _audit_api_call(runtime, args, "get", response, args.name, metadata)
    return _print_api_response(response)


def _bulk(runtime: Runtime, args: argparse.Namespace) -> int:
    _warn_if_daprd_would_not_start(runtime)
    metadata = _parse_metadata(args.metadata)
    response = runtime.api_bulk(args.store, metadata)
    _audit_api_call(runtime, args, "bulk", response, None, metadata)
    return _print_api_response(response)


def _audit_api_call(runtime: Runtime, args: argparse.Namespace, action: str, response, name: str | None,
                    metadata: dict[str, str]) -> None:
    audit = cli_audit.audit_log_from_args(args)
    outcome = {200: "ok", 204: "ok", 403: "denied"}.get(response.status, "error")
    audit.record(action, args.store, cli_audit.store_type(runtime, args.store), name, None,
                 metadata.get("version_id"), outcome)
    cli_audit.say_audit_failure(audit)


def _verify(runtime: Runtime, args: argparse.Namespace) -> int:
    return cli_audit.run_verify(runtime, args, _parse_metadata(args.metadata))


def _print_api_response(response) -> int:
    if response.ok:
        sys.stdout.write(response.text())
        return 0
    sys.stderr.write(response.text())
    return 1


def _list(runtime: Runtime, args: argparse.Namespace) -> int:
    status = runtime.open(args.store)
    store = runtime.store(args.store)
    if store is None:
        if status.state == State.ERROR and runtime.component(args.store) is None:
            _fail(f"there is no component named {args.store!r}", _known_stores(runtime))
        else:
            _fail(f"secret store {args.store!r} is not loaded ({status.state.value}): {status.message}", status.hint)
        return 1
    names: list[str] = []
    gc.disable()  # 100,000 short-lived listing rows would set off ~150 collections that free nothing
    try:
        for page in walk_names(store):
            names += page
    except StoreError as error:
        _fail(f"listing {args.store!r} failed: {error.message}", error.hint)
        return 1
    finally:
        gc.enable()
    if args.json:
        print(json.dumps(names, ensure_ascii=False))
    else:
        text = "\n".join(names)
        if _holds_control_characters(text, len(names)):  # rare: escape name by name
            text = "\n".join(escape_control(name) for name in names)
        sys.stdout.write(text + "\n" if names else "")
    return 0


def _holds_control_characters(text: str, count: int) -> bool:
    """Whether `count` names joined by newlines hold a control character, in one scan of the whole
    text rather than one per name. A newline inside a name shows as one line break too many."""
    return text.count("\n") != count - 1 or not is_printable(text.replace("\n", ""))


def _refs(runtime: Runtime, args: argparse.Namespace) -> int:
    rows = []
    for ref in runtime.references():
        status = runtime.check_reference(ref)
        rows.append(
            {
                "component": ref.component,
                "field": ref.field,
                "store": ref.store,
                "secret": ref.secret,
                "key": ref.key,
                "status": status.code,
                "message": status.message,
                "file": ref.source.file if ref.source else None,
                "line": ref.source.line if ref.source else None,
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no component references a secret")
        return 0
    headers = ("status", "component", "field", "store", "secret", "key")
    table = [headers] + [tuple(escape_control(str(row[h])) for h in headers) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    for index, line in enumerate(table):
        text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths))
        message = rows[index - 1]["message"] if index and rows[index - 1]["status"] != "ok" else ""
        print((text + ("  " + escape_control(message) if message else "")).rstrip())
    return 0


def _doctor(runtime: Runtime, args: argparse.Namespace) -> int:
    diagnostics = runtime.doctor()
    has_errors = any(d.severity == Severity.ERROR for d in diagnostics)
    if args.json:
        print(json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False, indent=2))
    elif not diagnostics:
        print("no problems found")
    else:
        for diagnostic in diagnostics:
            print(_format_diagnostic(diagnostic))
        counts = {s: sum(d.severity == s for d in diagnostics) for s in Severity}
        print(f"\n{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)")
    return 1 if has_errors else 0


def _format_diagnostic(diagnostic: Diagnostic) -> str:
    where = f"{diagnostic.source}: " if diagnostic.source else ""
    text = f"{where}{diagnostic.severity.value}: {diagnostic.message}"
    if diagnostic.hint:
        text += f"\n    hint: {diagnostic.hint}"
    return escape_control(text, keep_newlines=True)


def _known_stores(runtime: Runtime) -> str:
    names = ", ".join(c.name for c in runtime.secret_stores())
    return f"configured secret stores: {names}" if names else "no secret store is configured in these folders"


def _fail(message: str, hint: str = "") -> None:
    print(f"dapr-secrets: {escape_control(message)}", file=sys.stderr)
    if hint:
        print(f"  hint: {escape_control(hint)}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
