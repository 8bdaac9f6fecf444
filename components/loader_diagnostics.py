"""What the Component loader tells people: one Diagnostic builder per thing daprd would log, refuse
or silently skip, with file and line (dapr-behaviour.md §1.1-§1.4)."""

from __future__ import annotations

import os

from dapr_secrets.components.golang import go_quote, parse_go_duration
from dapr_secrets.components.gostructs import API_VERSION, KIND, DecodeError
from dapr_secrets.components.model import Component, Diagnostic, Severity, Source
from dapr_secrets.components.values import YamlError


def _diagnostic(severity: Severity, code: str, message: str, hint: str, source: Source, component: str | None = None) -> Diagnostic:
    return Diagnostic(severity, code, message, hint, source, component)


def folder_error(code: str, message: str, path: str) -> Diagnostic:
    return _diagnostic(
        Severity.ERROR,
        code,
        f"{message}: daprd fails to start",
        "create the folder, or fix the --resources-path given to daprd",
        Source(path),
    )


def non_yaml(path: str) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "non-yaml-file",
        f"A non-YAML Component file {os.path.basename(path)} was detected, it will not be loaded",
        "daprd reads only .yaml and .yml files: rename it if it holds a component, or move it out of the folder",
        Source(path),
    )


def subfolders_ignored(path: str, names: list[str]) -> Diagnostic:
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return _diagnostic(
        Severity.INFO,
        "subfolders-ignored",
        f"daprd does not look into sub-folders of {path} ({shown})",
        "move component files up into the folder, or pass the sub-folder as another resources path",
        Source(path),
    )


def unreadable(path: str, error: OSError) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "unreadable-file",
        f"daprd load Component error when opening file {path}: {error.strerror or error}; daprd skips it",
        "check the file's permissions, or remove a broken symbolic link",
        Source(path),
    )


def yaml_named_folder(path: str) -> Diagnostic:
    return _diagnostic(
        Severity.ERROR,
        "yaml-named-folder",
        f"{os.path.basename(path)} links to a folder but is named like a YAML file: "
        "daprd's loader cannot read it and does not finish starting",
        "rename the link so it does not end in .yaml or .yml, or remove it",
        Source(path),
    )


def special_file(path: str) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "special-file",
        f"{os.path.basename(path)} is not a regular file (a pipe, socket or device); not read here, "
        "and daprd may block reading it",
        "remove it from the resources folder",
        Source(path),
    )


def scan_problem(kind: str, source: Source) -> Diagnostic:
    # disk.go decodeYaml: bufio.Scanner with splitYamlDoc. A token over 64 KiB makes Scan fail
    # with "token too long"; decodeYaml then keeps asking the failed scanner forever.
    if kind == "too-long":
        return _diagnostic(
            Severity.ERROR,
            "document-too-large",
            "daprd hangs at start-up: this YAML document (with its separator line) is larger than "
            "64 KiB, daprd's loader fails with 'bufio.Scanner: token too long' and then loops forever "
            "with growing memory (it does not skip the file)",
            "split the document, or move large values into a file the component reads",
            source,
        )
    # splitYamlDoc at EOF: a last line starting with '---' plus more characters and no line break
    # never becomes a token, and the scanner stops without an error.
    return _diagnostic(
        Severity.WARNING,
        "last-document-dropped",
        "daprd drops this document: the file's last line starts with '---', has more characters "
        "and no line break, so daprd's loader silently loses the document before it",
        "add a line break at the end of the file (or remove the last '---' line)",
        source,
    )


def parse_error(error: YamlError, source: Source) -> Diagnostic:
    at = Source(source.file, error.line or source.line)
    if error.too_deep:
        message = f"this tool cannot read the document ({error.message}); daprd may load it"
        return _diagnostic(Severity.WARNING, "yaml-too-deep", message, "flatten the document", at)
    return _diagnostic(
        Severity.WARNING,
        "yaml-parse-error",
        f"daprd cannot parse this YAML document and skips it: {error.message}",
        "fix the YAML at the line shown; the other documents of the file still load",
        at,
    )


def decode_diagnostic(error: DecodeError, source: Source, name: str | None = None) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "decode-error",
        f"daprd cannot decode this document and skips it: {error.message}",
        error.hint,
        Source(source.file, error.line or source.line),
        name or None,
    )


def ignored_document(api_version: str, kind: str, source: Source) -> list[Diagnostic]:
    if kind == KIND:
        return [
            _diagnostic(
                Severity.WARNING,
                "wrong-api-version",
                f"this Component has apiVersion {go_quote(api_version)}: daprd loads only apiVersion "
                f"{API_VERSION} and silently ignores it",
                f"set apiVersion: {API_VERSION}",
                source,
            )
        ]
    if kind.lower() == KIND.lower():
        return [
            _diagnostic(
                Severity.WARNING,
                "wrong-kind",
                f"kind {go_quote(kind)} is not {KIND} (the match is case-sensitive): daprd silently ignores this document",
                f"write kind: {KIND}",
                source,
            )
        ]
    if kind == "Configuration" and api_version == API_VERSION:
        return [
            _diagnostic(
                Severity.INFO,
                "configuration-in-resources",
                "a Configuration in a resources folder does not set secret scopes: daprd takes them "
                "only from --config files",
                "pass this file to daprd with --config",
                source,
            )
        ]
    return []


def invalid_name(name: str, problems: list[str], source: Source) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "invalid-name",
        f"invalid name {go_quote(name)} for {go_quote(KIND)}: {'; '.join(problems)}; daprd skips this component",
        "use a name without '/' or '%' that is not '.' or '..'",
        source,
        name,
    )


def coerced(component: Component, path: str, written: str | None, seen: str | None, line: int | None) -> Diagnostic:
    source = Source(component.source.file, line or component.source.line)
    if written is None:  # a metadata value: it may be a secret, so never show it
        return _diagnostic(
            Severity.WARNING,
            "yaml-coerced",
            f"{path} is an unquoted YAML 1.1 boolean or number, so daprd passes different text than "
            "written (yes -> true, 0800 -> 800, 1e3 -> 1000)",
            "quote the value to pass it exactly as written",
            source,
            component.name,
        )
    return _diagnostic(
        Severity.WARNING,
        "yaml-coerced",
        f"{path} is written {written}, which YAML 1.1 reads as a boolean or number: daprd sees {go_quote(seen or '')}",
        f'quote it to keep it as written: "{written}"',
        source,
        component.name,
    )


def init_timeout_diagnostics(component: Component) -> list[Diagnostic]:
    if not component.init_timeout:
        return []
    if parse_go_duration(component.init_timeout) is not None:
        return []  # zero or negative is an Init failure, which the runtime reports (init timeout for component X)
    message = f"spec.initTimeout {go_quote(component.init_timeout)} is not a Go duration: daprd uses the default 5s"
    return [
        _diagnostic(
            Severity.WARNING,
            "init-timeout-invalid",
            message,
            "write a positive duration with a unit, such as 10s or 1m30s",
            component.source,
            component.name,
        )
    ]


def other_namespace(component: Component, namespace: str) -> Diagnostic:
    return _diagnostic(
        Severity.INFO,
        "other-namespace",
        f"component {component.name} is in namespace {component.namespace}; daprd with NAMESPACE={namespace} skips it",
        "remove metadata.namespace, or run with the namespace it names",
        component.source,
        component.name,
    )


def duplicate(component: Component, existing: Component) -> Diagnostic:
    return _diagnostic(
        Severity.ERROR,
        "duplicate-name",
        f"duplicate definition of {component.kind} name {component.label()} with existing {existing.label()}: "
        "daprd refuses to start",
        f"rename one of them; the first is defined at {existing.source}",
        component.source,
        component.name,
    )


def scoped_out(component: Component, app_id: str) -> Diagnostic:
    what = "component" if component.kind == KIND else component.kind
    return _diagnostic(
        Severity.INFO,
        "scoped-out",
        f"{what} {component.name} is scoped to {', '.join(component.scopes)}; app {app_id} does not load it",
        f"add {app_id} to its scopes if this app needs it",
        component.source,
        component.name,
    )


def empty_name(component: Component) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "empty-name",
        f"this {component.type or 'component'} has no metadata.name: daprd skips it without a word",
        "give it a metadata.name",
        component.source,
    )
