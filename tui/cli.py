"""The `dapr-secrets` command: the TUI by default, or a headless command that answers like daprd.

Headless commands import neither Textual nor any store SDK they do not use.

Over 500 lines: the parser and the small commands (get, bulk, list, refs, doctor, drift) that share its
options and exit codes; the larger commands live in cli_audit.py, cli_diff.py and completion.py.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from dapr_secrets.backends import registry
from dapr_secrets.backends.base import StoreError, walk_names
from dapr_secrets.backends.runtime import DEFAULT_RESOURCES_PATH, Runtime, RuntimeOptions, State
from dapr_secrets.components.model import Diagnostic, Severity
from dapr_secrets.tui import cli_audit, cli_diff, cli_help, completion
from dapr_secrets.tui.escape import escape_control, is_printable, json_text
from dapr_secrets.tui.user_config import CLIPBOARD_MODES, UserConfig, load_user_config
from dapr_secrets.tui.version import version_text

# `typing` is for type checkers only: importing it costs every headless command ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dapr_secrets.backends.sidecar import SidecarRuntime
    from dapr_secrets.tui.app import UiSettings

DEFAULT_TIMEOUT = 30.0  # seconds: --reveal-timeout and --clipboard-timeout

# Exit codes (README "Exit codes"): every headless command follows them.
EXIT_OK = 0  # done, and nothing is wrong
EXIT_NOT_OK = 1  # the answer is "not ok": findings, a reference that does not resolve, a Dapr API error
EXIT_USAGE = 2  # a usage error, or the inputs (resources folders, --config files, cluster) cannot be loaded

JSON_SCHEMA_VERSION = 1  # of every --json output; bumped when a documented field changes meaning or goes

# Diagnostics that mean the inputs themselves could not be read: no answer built on them is true.
INPUT_ERRORS = frozenset(
    {"resources-dir-missing", "resources-not-a-dir", "resources-dir-unreadable", "config-unreadable", "config-not-found"}
)

EPILOG = """commands answer like daprd's HTTP API for the same files:
  get STORE NAME      body of GET /v1.0/secrets/STORE/NAME
  bulk STORE          body of GET /v1.0/secrets/STORE/bulk
  list STORE          secret names, as bulk would return them (values are never read)
  refs                every secretKeyRef and whether it resolves (never prints values)
  doctor              everything wrong, with file:line
  drift --sidecar URL what a running sidecar loaded and answers, next to what the files predict
  verify STORE NAME   does the value on stdin match? (never prints values; exit 0/1/2)
  audit               who revealed, copied or verified what, and when
  diff STORE [OTHER]  compare two stores or environments, value-blind (exit 0/1/2 like diff)
  versions STORE NAME which keys each version added, removed or changed, and when (never values)
with --sidecar URL, get/bulk/list and the terminal UI ask that running sidecar instead of the files.
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
    sidecar = parser.add_argument_group("a running sidecar")
    sidecar.add_argument(
        "--sidecar", metavar="URL", default=default(None),
        help="daprd's HTTP API, e.g. http://localhost:3500 (after `kubectl port-forward` in a cluster): "
        "show what it loaded and answers",
    )
    sidecar.add_argument(
        "--dapr-api-token", metavar="TOKEN", default=default(None),
        help="sent as dapr-api-token when daprd runs with DAPR_API_TOKEN (default: $DAPR_API_TOKEN)",
    )
    for option in registry.declared_options():  # each store type's own options
        group.add_argument(option.flag, dest=option.name, action="store_true", default=default(False), help=option.help)
    cli_audit.add_audit_options(parser, suppress)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line. With `only`, the other commands get no options (they stay known,
    so parsing is the same when `only` is the first word): ~4 ms less for every headless command."""
    parser = argparse.ArgumentParser(
        prog="dapr-secrets",
        description="Browse Dapr secret stores the way daprd sees them.",
        epilog=EPILOG,
        formatter_class=cli_help.HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=version_text())
    _common_options(parser, suppress=False)
    ui = parser.add_argument_group("terminal UI")
    ui.add_argument("--reveal-timeout", type=float, default=None, metavar="SECONDS",
                    help=f"re-mask a revealed value after this long (default {DEFAULT_TIMEOUT:g})")
    ui.add_argument("--clipboard-timeout", type=float, default=None, metavar="SECONDS",
                    help=f"clear a copied value from the clipboard after this long (default {DEFAULT_TIMEOUT:g})")
    ui.add_argument("--no-reveal", action="store_true", help="never show values (for screen sharing); copy still works")
    ui.add_argument("--clipboard", dest="clipboard_mode", choices=CLIPBOARD_MODES, default=None,
                    help="how to copy: OSC 52 and the native clipboard (auto, the default), one of them, or off")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, formatter_class=cli_help.HelpFormatter)
        if only is None or name == only:
            _common_options(sub, suppress=True)
        return sub

    get = command("get", "print what GET /v1.0/secrets/STORE/NAME would answer")
    get.add_argument("store")
    get.add_argument("name")
    get.add_argument("-m", "--metadata", action="append", default=[], metavar="KEY=VALUE",
                     help="request metadata, like ?metadata.KEY=VALUE (version_id, namespace, ...)")
    bulk = command("bulk", "print what GET /v1.0/secrets/STORE/bulk would answer")
    bulk.add_argument("store")
    bulk.add_argument("-m", "--metadata", action="append", default=[], metavar="KEY=VALUE")
    names = command("list", "list the secret names of a store (never reads values)")
    names.add_argument("store")
    names.add_argument("--json", action="store_true", help="a JSON object with the names (schema in the README)")
    refs = command("refs", "every secretKeyRef and whether daprd would resolve it; exit 1 if any does not")
    refs.add_argument("--json", action="store_true", help="a JSON object with every reference (schema in the README)")
    doctor = command("doctor", "everything wrong with the components, configuration and stores; exit 1 on errors")
    doctor.add_argument("--json", action="store_true", help="a JSON object with every finding (schema in the README)")
    drift = command("drift", "compare a running sidecar (--sidecar URL) with what the files predict; exit 1 on drift")
    drift.add_argument("--json", action="store_true", help="a JSON document with schema_version, summary and rows")
    cli_audit.add_commands(command)
    cli_diff.add_command(command)
    cli_diff.add_versions_command(command)
    about = "print the shell completion script: commands, options, store and secret names (never values)"
    shell = commands.add_parser("completion", help=about, description=about, formatter_class=cli_help.HelpFormatter)
    shell.add_argument("shell", choices=completion.SHELLS, help="the shell to complete in")
    cli_help.describe(parser, commands)
    return parser


def apply_user_config(args: argparse.Namespace, user: UserConfig) -> argparse.Namespace:
    """The user config file fills what the command line left out: flags win."""
    if not args.resources_paths and user.resources_paths:
        args.resources_paths = list(user.resources_paths)
    if not args.config_files and user.config_files:
        args.config_files = list(user.config_files)
    if args.app_id is None and user.app_id is not None:
        args.app_id = user.app_id
    return args


def ui_settings(args: argparse.Namespace, user: UserConfig) -> UiSettings:
    """The terminal UI's settings: flags, else the user config file, else the defaults."""
    from dapr_secrets.tui.app import UiSettings

    def pick(flag: object, configured: object, default: object) -> object:
        return flag if flag is not None else configured if configured is not None else default

    return UiSettings(
        reveal_timeout=float(pick(args.reveal_timeout, user.reveal_timeout, DEFAULT_TIMEOUT)),  # type: ignore[arg-type]  # a number
        clipboard_timeout=float(pick(args.clipboard_timeout, user.clipboard_timeout, DEFAULT_TIMEOUT)),  # type: ignore[arg-type]  # a number
        no_reveal=args.no_reveal,
        clipboard_mode=str(pick(args.clipboard_mode, user.clipboard, "auto")),
        user=user,
    )


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
        store_options={option.name: bool(getattr(args, option.name, False)) for option in registry.declared_options()},
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == [completion.CALLBACK]:  # the shell asks what TAB should offer
        return completion.main(argv[1:])
    # The command written first (`dapr-secrets list x`, as scripts do): no option before it can
    # take it as its value, so only its own options are needed.
    args = build_parser(only=argv[0] if argv and not argv[0].startswith("-") else None).parse_args(argv)
    user = load_user_config()
    if args.command not in (None, "completion"):  # the TUI says it in a notification instead
        for problem in user.problems:
            print(f"dapr-secrets: {escape_control(problem)}", file=sys.stderr)
    apply_user_config(args, user)
    if args.command == "completion":
        sys.stdout.write(completion.script(args.shell))
        return 0
    if args.command == "audit":  # reads the log only: no components, no stores
        return cli_audit.run_audit(args)
    if args.command == "drift":
        return _drift(args)
    if args.sidecar and args.command == "refs":  # a sidecar does not show its components' metadata
        print("note: refs reads the files; `drift --sidecar` compares them with the sidecar", file=sys.stderr)
    if args.command is None and not args.sidecar:  # the TUI reads the components itself, after its first frame
        return _run_tui(options_from_args(args), args, user)
    try:
        sidecar = args.sidecar and args.command != "refs"
        runtime = _sidecar_runtime(args) if sidecar else Runtime.load(options_from_args(args))
    except StoreError as error:  # e.g. the cluster or the sidecar is unreachable
        _fail(error.message, error.hint)
        return EXIT_USAGE
    try:
        if args.command is None:
            return _run_tui(runtime, args, user)
        if args.command != "doctor" and _refuse_unloaded_inputs(runtime):
            return EXIT_USAGE
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


def _sidecar_runtime(args: argparse.Namespace) -> SidecarRuntime:
    from dapr_secrets.backends.sidecar import SidecarClient, SidecarRuntime, token_from

    client = SidecarClient(args.sidecar, token_from(args.dapr_api_token))
    return SidecarRuntime(options_from_args(args), client)


def _drift(args: argparse.Namespace) -> int:
    """Prediction (the files or the cluster) against a running sidecar; exit 0 same, 1 drift, 2 error."""
    from dapr_secrets.backends.drift import compare, report

    if not args.sidecar:
        _fail("drift compares a running sidecar with the files: give --sidecar URL", "e.g. --sidecar http://localhost:3500")
        return 2
    try:
        sidecar = _sidecar_runtime(args)
        predicted = Runtime.load(sidecar.prediction_options())
    except StoreError as error:
        _fail(error.message, error.hint)
        return 2
    try:
        rows = compare(predicted, sidecar)
    except StoreError as error:  # the sidecar went away half-way
        _fail(error.message, error.hint)
        return 2
    finally:
        predicted.close()
        sidecar.close()
    document = report(rows, sidecar)
    if args.json:
        print(json_text(document))  # one escaping policy for every --json output
    elif not rows:
        print(f"no drift: the sidecar at {escape_control(sidecar.describe_source())} answers as the files predict")
    else:
        for row in rows:
            where = f"{row.component}/{row.secret}" if row.secret else row.component
            mark = row.kind if row.drift else f"note: {row.kind}"
            print(escape_control(f"{mark}  {where}  {row.detail}"))
        summary = document["summary"]
        where = escape_control(sidecar.describe_source())
        print(f"\n{summary['drift']} difference(s), {summary['notes']} note(s) against the sidecar at {where}")
    return 1 if document["summary"]["drift"] else 0


def _run_tui(runtime: Runtime | RuntimeOptions, args: argparse.Namespace, user: UserConfig) -> int:
    """The terminal UI. Given options, it loads the runtime itself, after its first frame; if that
    fails (a StoreError), it ends and the reason is printed here, as for the headless commands (exit 2)."""
    from dapr_secrets.tui.app import run_app

    return run_app(runtime, ui_settings(args, user), cli_audit.audit_log_from_args(args), report=_fail)


def _unloaded_inputs(runtime: Runtime) -> list[Diagnostic]:
    return [d for d in runtime.diagnostics if d.code in INPUT_ERRORS]


def _refuse_unloaded_inputs(runtime: Runtime) -> bool:
    """Say why the inputs cannot be loaded; True when the command must stop (exit 2) rather than
    answer from half the inputs (an empty list, or scopes ignored, would look like a real answer)."""
    problems = _unloaded_inputs(runtime)
    for problem in problems:
        print(f"dapr-secrets: {_format_diagnostic(problem)}", file=sys.stderr)
    return bool(problems)


def _parse_metadata(pairs: Sequence[str]) -> dict[str, str]:
    """`-m KEY=VALUE`; like daprd, only the first value of a repeated key counts."""
    metadata: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            _fail(f"-m takes KEY=VALUE, got {pair!r}")
            raise SystemExit(EXIT_USAGE)
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
    _note_if_unsupported(runtime, args.store)
    code = _print_api_response(response)
    # stderr is daprd's body, which scripts parse: where to look is added only for a person at a terminal
    if response.status not in (200, 204, 403) and sys.stderr.isatty():
        hint = runtime.missing_secret_hint(args.store, args.name)
        if hint:
            print(f"hint: {escape_control(hint)}", file=sys.stderr)
    return code


def _bulk(runtime: Runtime, args: argparse.Namespace) -> int:
    _warn_if_daprd_would_not_start(runtime)
    metadata = _parse_metadata(args.metadata)
    response = runtime.api_bulk(args.store, metadata)
    _audit_api_call(runtime, args, "bulk", response, None, metadata)
    _note_if_unsupported(runtime, args.store)
    return _print_api_response(response)


def _note_if_unsupported(runtime: Runtime, store: str) -> None:
    """daprd would open this store; we answer as if it were absent, so say why (e.g. a missing SDK
    extra, with its install command)."""
    status = runtime.status(store)
    if status.state == State.UNSUPPORTED:
        print(f"note: {escape_control(store)}: {escape_control(status.message)}", file=sys.stderr)


def _audit_api_call(runtime: Runtime, args: argparse.Namespace, action: str, response, name: str | None,
                    metadata: dict[str, str]) -> None:
    audit = cli_audit.audit_log_from_args(args)
    outcome = {200: "ok", 204: "ok", 403: "denied"}.get(response.status, "error")
    audit.record(action, args.store, cli_audit.store_type(runtime, args.store), name, None,
                 cli_audit.requested_version(runtime, args.store, metadata), outcome)
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
    if not args.json and not _scopes_name(runtime, args.store):  # the common case: print every name
        joined = store.loaded_names_text()  # a file read whole: one string, no listing rows
        if joined is not None:
            text, count = joined
            if _holds_control_characters(text, count):  # rare: escape name by name
                text = "\n".join(escape_control(name) for name in store.loaded_names() or ())
            sys.stdout.write(text + "\n" if count else "")
            return 0
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
    denied = _api_denied_names(runtime, args.store, names)
    if args.json:
        document = {
            "schema_version": JSON_SCHEMA_VERSION,
            "store": args.store,
            "names": names,
            "api_denied": [{"name": name, "rule": rule} for name, rule in denied.items()],
            "summary": {"names": len(names), "api_denied": len(denied)},
        }
        print(json_text(document, indent=None))
        return 0
    text = "\n".join(names)
    if _holds_control_characters(text, len(names)):  # rare: escape name by name
        text = "\n".join(escape_control(name) for name in names)
    if denied:  # a tab, then the mark: `cut -f1` still gives the names (tabs in names are escaped)
        text = "\n".join(
            f"{line}\tAPI denied ({escape_control(denied[name])})" if name in denied else line
            for name, line in zip(names, text.split("\n"), strict=True)
        )
    sys.stdout.write(text + "\n" if names else "")
    if denied:
        print(
            f"{len(denied)} of {len(names)} names are denied by the secret scopes: bulk leaves them out "
            "and get answers 403 (ERR_PERMISSION_DENIED)",
            file=sys.stderr,
        )
    return 0


def _scopes_name(runtime: Runtime, store: str) -> bool:
    """Whether a secret scope names this store (most do not): only then can a name be denied."""
    return any(scope.store_name == store for scope in runtime.configuration.scopes)


def _api_denied_names(runtime: Runtime, store: str, names: list[str]) -> dict[str, str]:
    """The names the secrets API would refuse (scopes), with the rule that refuses each; {} fast
    when no scope names this store, as for most stores."""
    if not _scopes_name(runtime, store):
        return {}
    decisions = ((name, runtime.scope_decision(store, name)) for name in names)
    return {name: decision.rule for name, decision in decisions if not decision.allowed}


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
                "kind": ref.kind,  # Component, HTTPEndpoint or MCPServer
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
    not_ok = sum(row["status"] != "ok" for row in rows)
    exit_code = EXIT_NOT_OK if not_ok else EXIT_OK  # a CI gate: any reference that does not resolve fails
    if args.json:
        summary = {"references": len(rows), "ok": len(rows) - not_ok, "not_ok": not_ok}
        print(json_text({"schema_version": JSON_SCHEMA_VERSION, "references": rows, "summary": summary}))
        return exit_code
    if not rows:
        print("no component references a secret")
        return EXIT_OK
    headers = ("status", "component", "field", "store", "secret", "key")
    def cell(row: dict, header: str) -> str:
        if header == "component" and row["kind"] != "Component":
            return escape_control(f"{row['kind']} {row['component']}")
        return escape_control(str(row[header]))

    table = [headers] + [tuple(cell(row, h) for h in headers) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    for index, line in enumerate(table):
        text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        message = str(rows[index - 1]["message"]) if index and rows[index - 1]["status"] != "ok" else ""
        print((text + ("  " + escape_control(message) if message else "")).rstrip())
    print(f"\n{len(rows)} reference(s): {len(rows) - not_ok} ok, {not_ok} not ok")
    return exit_code


def _doctor(runtime: Runtime, args: argparse.Namespace) -> int:
    diagnostics = runtime.doctor()
    counts = {s: sum(d.severity == s for d in diagnostics) for s in Severity}
    if args.json:
        summary = {"errors": counts[Severity.ERROR], "warnings": counts[Severity.WARNING], "notes": counts[Severity.INFO]}
        document = {
            "schema_version": JSON_SCHEMA_VERSION,
            "diagnostics": [d.to_json() for d in diagnostics],
            "summary": summary,
        }
        print(json_text(document))
    elif not diagnostics:
        print("no problems found")
    else:
        for diagnostic in diagnostics:
            print(_format_diagnostic(diagnostic))
        print(f"\n{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)")
    if _unloaded_inputs(runtime):
        return EXIT_USAGE  # the findings are printed, but the inputs themselves could not be read
    return EXIT_NOT_OK if counts[Severity.ERROR] else EXIT_OK


# Characters a JSON encoder leaves raw (it escapes only C0 controls) that can still drive or deceive a
# terminal when the output is printed: DEL/C1 controls, bidi overrides, zero-width and line-separator
# characters, and the lone surrogates that stand for bytes that were not UTF-8. JSON outputs carry
# them as \uXXXX escapes, which every JSON reader turns back into the same text.
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


def entry() -> None:
    """The `dapr-secrets` command: main(), then out at once. The interpreter's own shutdown tears
    down every module and object one by one (100-200 ms after the TUI with the SDKs loaded, ~10 ms
    after listing 100,000 names) and joins worker threads; nothing of ours needs it: files are
    written unbuffered (the audit log) or closed, so only the standard streams and atexit remain."""
    try:
        code = main()
    except SystemExit as done:  # argparse's --help, --version and usage errors; the codes Python would give
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if not isinstance(done.code, int | None):
            print(done.code, file=sys.stderr)
    exit_now(code)


def exit_now(code: int) -> None:
    """Flush what was written, run atexit handlers, and end the process without the teardown."""
    import atexit

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`) or stream: nothing more to say
            pass
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    entry()
