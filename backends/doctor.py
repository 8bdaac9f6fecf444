"""The doctor: everything wrong with the components, the configuration and the stores, in the order a
person would fix it. It opens every store and checks every component and reference at once under
one deadline, so dead stores cost one timeout together (Runtime.doctor calls it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from dapr_secrets.backends.base import StoreError
from dapr_secrets.backends.runtime import (
    DAPRD_CRASHES,
    OPERATOR_FAILS,
    ReferenceStatus,
    Runtime,
    State,
    reference_hint,
)
from dapr_secrets.components.model import Component, Diagnostic, Reference, Severity, Source

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_doctor(runtime: Runtime, deadline: float) -> list[Diagnostic]:
    """Everything wrong, in the order a person would fix it. Opens every store. Every component
    and reference is checked at once, under one `deadline` (seconds): dead stores cost one
    timeout together, and what has not answered by then is reported as such."""
    from dapr_secrets.backends.parallel import Unfinished, run_all
    from dapr_secrets.components.config import scope_diagnostics

    found = list(runtime.diagnostics)
    found += scope_diagnostics(runtime.configuration, [c.name for c in runtime.secret_stores()])
    references = runtime.references()
    names = {c.name for c in runtime.components}
    owned: dict[str, list[Reference]] = {}  # a component's own references, checked in its task
    loose: list[Reference] = []  # HTTPEndpoints', MCPServers': checked one by one
    for ref in references:
        if ref.kind == "Component" and ref.component in names:
            owned.setdefault(ref.component, []).append(ref)
        else:
            loose.append(ref)
    # Both kinds of check run together under one deadline: the component's (diagnostics, unquoted
    # findings, statuses) and a loose reference's statuses.
    checks: list[Callable[[], Any]] = [partial(_check_component, runtime, c, owned.get(c.name, [])) for c in runtime.components]
    checks += [partial(_check_references, runtime, [ref]) for ref in loose]
    results = run_all(checks, deadline)
    statuses: dict[int, ReferenceStatus] = {}  # id(reference) -> its status
    for component, result in zip(runtime.components, results, strict=False):  # results go on with the loose references
        unquoted: list[Diagnostic] = []
        if isinstance(result, Unfinished):  # its references are not reported either: one finding is enough
            found.append(_unfinished_diagnostic(component, deadline))
        else:
            diagnostics, unquoted, checked = result
            found += diagnostics
            statuses.update(checked)
        found += _plain_secret_diagnostics(component)
        found += unquoted
        found += _env_allow_list_diagnostics(runtime, component)
    for ref, result in zip(loose, results[len(runtime.components):], strict=True):
        unanswered = ReferenceStatus("error", f"no answer within the doctor's {deadline:g} s")
        statuses[id(ref)] = unanswered if isinstance(result, Unfinished) else result[id(ref)]
    for ref in references:
        status = statuses.get(id(ref))
        if status is None:
            continue
        # A component's missing or unloaded store is reported once, by its own status; other
        # resources (HTTPEndpoint, MCPServer) have no status, so every failing ref of theirs is.
        covered = ref.kind == "Component" and status.code in ("store-missing", "store-not-loaded")
        if not status.ok and not covered:
            found.append(
                Diagnostic(
                    Severity.WARNING if status.code == "empty-value" else Severity.ERROR,
                    f"ref-{status.code}",
                    f"{ref.owner}: {'metadata ' if ref.kind == 'Component' else ''}{ref.field!r} -> "
                    f"{_ref_target(ref)}: {status.message}",
                    status.hint or reference_hint(status.code, ref),
                    source=ref.source,
                    component=ref.component,
                    secret=ref.secret,
                )
            )
    return found


def _ref_target(ref: Reference) -> str:
    """`store/secret[key]`, without the key when it is the secret's name (the message says no more)."""
    target = f"{ref.store or '(no store)'}/{ref.secret}"
    return target if ref.key == ref.secret else f"{target}[{ref.key}]"


def _env_allow_list_diagnostics(runtime: Runtime, component: Component) -> list[Diagnostic]:
    """envRef names that DAPR_ENV_KEYS lists, but only after a word that contains them (§2 rule 1)."""
    from dapr_secrets.components.references import DAPR_ENV_KEYS, env_key_hidden_in_allow_list, uses_env_ref

    keys = runtime.options.daprd_env().get(DAPR_ENV_KEYS, "")
    return [
        Diagnostic(
            Severity.ERROR,
            "env-allow-list-hidden",
            f"{component.name}: envRef {item.env_ref} is refused although DAPR_ENV_KEYS lists it: daprd only "
            "tests the first place the upper-cased name appears, which is inside another word",
            f"put {item.env_ref.upper()} before any longer name that contains it in DAPR_ENV_KEYS",
            Source(component.source.file, item.line or component.source.line),
            component.name,
        )
        for item in component.metadata
        if uses_env_ref(item) and item.env_ref is not None and env_key_hidden_in_allow_list(item.env_ref, keys)
    ]


def _unquote_diagnostics(runtime: Runtime, component: Component) -> list[Diagnostic]:
    """Resolved values (secretKeyRef, envRef) that are Go quoted literals: the component gets
    strconv.Unquote of them (DynamicValue.String, §2 rule 7). Names the item, never the value."""
    from dapr_secrets.components.golang import go_unquote
    from dapr_secrets.components.references import resolve_env_ref

    skipped = {id(item) for item in runtime.unresolved_without_auth_store(component)}
    env = runtime.options.daprd_env()
    found = []
    for item in component.metadata:
        if id(item) in skipped:
            continue
        origin, value = "", None
        if item.env_ref and item.value is None:
            origin, value = f"environment variable {item.env_ref}", resolve_env_ref(item, env)
        elif item.secret_key_ref is not None and runtime.auth_store_name(component) and runtime.store(runtime.auth_store_name(component)):
            ref = item.secret_key_ref
            secret = runtime.lookup_for_component(component, ref.name)
            if isinstance(secret, dict) and secret.get(ref.effective_key):
                origin = f"{runtime.auth_store_name(component)}/{ref.name}[{ref.effective_key}]"
                value = secret[ref.effective_key]
        if value and go_unquote(value) is not None:
            found.append(
                Diagnostic(
                    Severity.WARNING,
                    "value-unquoted",
                    f"{component.name}: metadata {item.name!r} <- {origin}: daprd will unquote this value "
                    "(it is a Go quoted literal), so the component gets it without its quotes and with escapes decoded",
                    "store the value without surrounding quotes, or quote it once more if the quotes belong to it",
                    Source(component.source.file, item.line or component.source.line),
                    component.name,
                )
            )
    return found


def _check_component(
    runtime: Runtime, component: Component, references: list[Reference]
) -> tuple[list[Diagnostic], list[Diagnostic], dict[int, ReferenceStatus]]:
    """One component for the doctor: open it, its store's findings, the values daprd unquotes,
    then its references (which opening has just read: no second call to the store)."""
    runtime.open(component.name)
    return _component_diagnostics(runtime, component), _unquote_diagnostics(runtime, component), _check_references(runtime, references)


def _check_references(runtime: Runtime, references: list[Reference]) -> dict[int, ReferenceStatus]:
    return {id(ref): runtime.check_reference(ref) for ref in references}


def _component_diagnostics(runtime: Runtime, component: Component) -> list[Diagnostic]:
    status = runtime.status(component.name)
    if status.state == State.WAITING:
        return [Diagnostic(Severity.ERROR, "parked-forever", status.message, status.hint, component.source, component.name)]
    if status.state == State.ERROR:
        code = "init-failed"
        if status.message.startswith(DAPRD_CRASHES):
            code = "daprd-crashes"
        elif status.message.startswith(OPERATOR_FAILS):
            code = "daprd-does-not-start"
        source = status.source or component.source  # the field at fault, when the runtime knows it
        return [Diagnostic(Severity.ERROR, code, f"{component.name}: {status.message}", status.hint, source, component.name)]
    if status.state == State.UNSUPPORTED:
        return [Diagnostic(Severity.INFO, "unsupported", f"{component.name}: {status.message}", "", component.source, component.name)]
    store = runtime.store(component.name)
    if store is None:
        return []
    try:
        return [d.replace(component=d.component or component.name) for d in store.diagnostics()]
    except StoreError as error:
        message = f"{component.name}: {error.message}"
        return [Diagnostic(Severity.ERROR, f"store-{error.kind}", message, error.hint, component.source, component.name)]


def _unfinished_diagnostic(component: Component, deadline: float) -> Diagnostic:
    what = "store" if component.is_secret_store else "component's secret store"
    return Diagnostic(
        Severity.ERROR,
        "doctor-deadline",
        f"{component.name}: the {what} did not answer within the doctor's {deadline:g} s",
        "check that the store is up and reachable from here; the other checks did not wait for it",
        component.source,
        component.name,
    )


def _plain_secret_diagnostics(component: Component) -> list[Diagnostic]:
    from dapr_secrets.components.references import looks_like_secret_field

    return [
        Diagnostic(
            Severity.WARNING,
            "plain-secret-value",
            f"{component.name}: metadata {item.name!r} holds a plain value written in the component file",
            "move the value into a secret store and use secretKeyRef (with auth.secretStore)",
            Source(component.source.file, item.line or component.source.line),
            component.name,
        )
        for item in component.metadata
        if item.value and item.secret_key_ref is None and looks_like_secret_field(item.name)
    ]
