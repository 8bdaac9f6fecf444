"""What daprd does with a set of components: which secret stores open, in what order, what every
`secretKeyRef` resolves to, and what the secrets API answers (dapr-behaviour.md §1.5, §2, §4).

The TUI and the headless CLI share this one runtime. Everything that can block (store Init that
resolves references, GetSecret) is called from worker threads by the UI; the runtime is thread-safe.
Where the resources come from is resources.py; the doctor is doctor.py.

Over 500 lines on purpose: one Runtime object holds daprd's start-up state (statuses, opened stores,
the reference cache, one lock), and opening stores in dependency order, resolving references and
answering the secrets API all read and write that state; splitting it would spread one lock's
invariants over several modules.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from enum import Enum

from dapr_secrets.backends import registry
from dapr_secrets.backends.base import DEFAULT_TIMEOUT, DaprdCrashes, MissingExtra, SecretNotFound, SecretStore, StoreContext, StoreError
from dapr_secrets.backends.redaction import RedactedStore, Redactor
from dapr_secrets.backends.resources import LoadedResources, cluster_namespace, read_resources
from dapr_secrets.components.golang import go_json, go_quote
from dapr_secrets.components.model import (
    BUILTIN_KUBERNETES_STORE,
    CATEGORIES,
    Component,
    Configuration,
    Diagnostic,
    MetadataItem,
    Reference,
    ScopeDecision,
    Source,
)
from dapr_secrets.components.record import Record

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from dapr_secrets.backends.hints import NameSets

DEFAULT_RESOURCES_PATH = "~/.dapr/components"
OPERATOR_FAILS = "failed to load components: "  # the operator's ListComponents failed: daprd does not start
DAPRD_CRASHES = "daprd crashes: "  # the start of a status for a store whose Init would panic
POD_NAME_PLACEHOLDER = "<pod name>"  # {podName} in Kubernetes mode when POD_NAME is not given here
# One store call's timeout and a little more: every store is checked at once (Runtime.doctor).
DOCTOR_DEADLINE = DEFAULT_TIMEOUT + 2.0


class RuntimeOptions(Record):
    __match_args__ = ("resources_paths", "config_files", "app_id", "namespace", "kubernetes", "resources_from_cluster", "kube_context",
                      "env", "cwd", "store_options", "sidecar_url")
    resources_paths: tuple[str, ...]
    config_files: tuple[str, ...]
    app_id: str | None
    namespace: str | None  # the NAMESPACE daprd would see; None -> env NAMESPACE
    kubernetes: bool  # Kubernetes-mode rules: built-in `kubernetes` store, default auth store
    resources_from_cluster: bool  # read Components/Configurations from the cluster, not files
    kube_context: str | None
    env: Mapping[str, str] | None  # daprd's environment; None -> os.environ
    cwd: str | None  # daprd's working directory; None -> os.getcwd()
    store_options: Mapping[str, bool]  # StoreOptions the store types declare, by name
    sidecar_url: str | None  # components and answers come from a running sidecar (issue #18)

    def __init__(self, resources_paths: tuple[str, ...] = (DEFAULT_RESOURCES_PATH,), config_files: tuple[str, ...] = (),
                 app_id: str | None = None, namespace: str | None = None, kubernetes: bool = False, resources_from_cluster: bool = False,
                 kube_context: str | None = None, env: Mapping[str, str] | None = None, cwd: str | None = None,
                 store_options: Mapping[str, bool] | None = None, sidecar_url: str | None = None) -> None:
        store_options = {} if store_options is None else store_options  # a new dict each, as field(default_factory=dict) gave
        self.__dict__.update(resources_paths=resources_paths, config_files=config_files, app_id=app_id, namespace=namespace,
                             kubernetes=kubernetes, resources_from_cluster=resources_from_cluster, kube_context=kube_context, env=env,
                             cwd=cwd, store_options=store_options, sidecar_url=sidecar_url)

    def daprd_env(self) -> Mapping[str, str]:
        """daprd's environment: --namespace stands for its NAMESPACE variable."""
        env = os.environ if self.env is None else self.env
        if self.namespace is not None and env.get("NAMESPACE") != self.namespace:
            return {**env, "NAMESPACE": self.namespace}
        return env

    def daprd_namespace(self) -> str:
        """The NAMESPACE value daprd filters with; "" means no namespace filtering (§1.4)."""
        return self.daprd_env().get("NAMESPACE", "")


class State(str, Enum):
    PENDING = "pending"  # not looked at yet
    OPENING = "opening"
    READY = "ready"  # a secret store that opened, or a component whose references all resolve
    DEGRADED = "degraded"  # daprd would initialise it, but one of its references gives no value
    WAITING = "waiting"  # parked behind a secret store that is not loaded (maybe forever)
    ERROR = "error"  # daprd's Init would fail
    UNSUPPORTED = "unsupported"  # a Dapr store type this tool cannot open yet
    SCOPED_OUT = "scoped-out"  # its scopes leave the app out: daprd does not load it (shown, greyed)


class ComponentStatus(Record):
    __match_args__ = ("state", "message", "hint", "waiting_for", "source")
    state: State
    message: str
    hint: str
    waiting_for: str | None
    source: Source | None  # the metadata field at fault, when known (else the component's start)

    def __init__(self, state: State, message: str = "", hint: str = "", waiting_for: str | None = None,
                 source: Source | None = None) -> None:
        self.__dict__.update(state=state, message=message, hint=hint, waiting_for=waiting_for, source=source)


class ReferenceStatus(Record):
    __match_args__ = ("code", "message", "hint")
    code: str  # ok | store-missing | no-auth-store | store-not-loaded | secret-not-found
    #            | key-not-found | empty-value | error | scoped-out (never checked: not loaded for this app)
    message: str
    hint: str  # what to do, when it depends on what the store holds (backends/hints.py)

    def __init__(self, code: str, message: str = "", hint: str = "") -> None:
        self.__dict__.update(code=code, message=message, hint=hint)

    @property
    def ok(self) -> bool:
        return self.code == "ok"


class ApiResponse(Record):
    """What daprd's HTTP secrets API answers (§4)."""

    __match_args__ = ("status", "body", "raw")
    status: int
    body: dict[str, Any] | None
    raw: str | None  # the body exactly as sent: a running sidecar's, or chi's plain-text 404

    def __init__(self, status: int, body: dict[str, Any] | None = None, raw: str | None = None) -> None:
        self.__dict__.update(status=status, body=body, raw=raw)

    @property
    def ok(self) -> bool:
        return self.status in (200, 204)

    def text(self) -> str:
        if self.raw is not None:
            return self.raw
        return "" if self.body is None else go_json(self.body) + "\n"


def scope_note(component: Component) -> str:
    """`scoped to billing, audit`: why daprd does not load a scoped-out component for this app."""
    return f"scoped to {', '.join(component.scopes)}"


def _api_error(status: int, code: str, message: str) -> ApiResponse:
    return ApiResponse(status, {"errorCode": code, "message": message})


class Runtime:
    def __init__(
        self,
        options: RuntimeOptions,
        components: list[Component],
        diagnostics: list[Diagnostic] | None = None,
        configuration: Configuration | None = None,
    ) -> None:
        self.options = options
        self._from_options = False
        self._install(LoadedResources(components, list(diagnostics or []), configuration or Configuration()))

    @classmethod
    def load(cls, options: RuntimeOptions) -> Runtime:
        """Read the resources and --config files; opens no store, does no network I/O (files only),
        except in cluster mode where the components come from the API server."""
        runtime = cls.__new__(cls)
        if options.resources_from_cluster and options.namespace is None:
            options = options.replace(namespace=cluster_namespace(options))
        runtime.options = options
        runtime._from_options = True
        runtime._install(read_resources(options))
        return runtime

    def _install(self, loaded: LoadedResources) -> None:
        components = list(loaded.components)
        diagnostics = list(loaded.diagnostics)
        if self.options.kubernetes and not any(c.name == BUILTIN_KUBERNETES_STORE for c in components):
            from dapr_secrets.backends.kubernetes_resources import builtin_kubernetes_component

            components.insert(0, builtin_kubernetes_component(self.options.daprd_namespace()))  # §1.5.4
        self.components = components
        self.diagnostics = diagnostics
        self.configuration = loaded.configuration
        self.cluster_info = loaded.extra
        self._by_name = {c.name: c for c in components}
        self.other_resources = list(loaded.other_resources)
        self._others = {(r.kind, r.name): r for r in self.other_resources}
        self.scoped_out = list(loaded.scoped_out)  # kept to be shown: "nothing vanishes"
        self._scoped_out = {c.name: c for c in self.scoped_out if c.kind == "Component" and c.name not in self._by_name}
        self._scoped_out_references: list[Reference] | None = None
        self._lock = threading.Lock()  # guards the dicts below, never held during I/O
        self._open_locks: dict[str, threading.Lock] = {}
        self._opening = threading.local()  # how deep in `open` this thread is
        self._statuses: dict[str, ComponentStatus] = {}
        self._stores: dict[str, SecretStore] = {}
        self._reference_cache: dict[tuple[str, str, str], dict[str, str] | StoreError | None] = {}
        self._references: list[Reference] | None = None  # derived from the components, once
        self._release: tuple[dict[str, list[str]], dict[str, str]] | None = None  # see _release_plan
        self._name_sets: NameSets | None = None  # which store holds which name, for hints

    # ----- what is configured

    def component(self, name: str) -> Component | None:
        return self._by_name.get(name)

    def describe_source(self) -> str:
        """Where the components come from, for headers and messages."""
        return "cluster" if self.options.resources_from_cluster else ", ".join(self.options.resources_paths)

    def secret_stores(self) -> list[Component]:
        return [c for c in self.components if c.is_secret_store]

    def references(self) -> list[Reference]:
        """Every secretKeyRef; the components never change for a runtime, so built once."""
        if self._references is None:
            from dapr_secrets.components.references import build_references

            resources = self.components + self.other_resources
            self._references = build_references(resources, self.options.kubernetes)
        return list(self._references)

    def references_to(self, store: str, secret: str) -> list[Reference]:
        return [r for r in self.references() if r.store == store and r.secret == secret]

    def scoped_out_components(self) -> list[Component]:
        """The Components whose scopes leave the app out (by name, unless a loaded one has it)."""
        return list(self._scoped_out.values())

    def scoped_out_component(self, name: str) -> Component | None:
        return self._scoped_out.get(name)

    def scoped_out_reference_status(self, ref: Reference) -> ReferenceStatus:
        """What to say about a secretKeyRef of a scoped-out resource instead of checking it: daprd
        does not load its owner for this app, so it resolves nothing here."""
        owner = next((r for r in self.scoped_out if r.kind == ref.kind and r.name == ref.component), None)
        note = scope_note(owner) if owner is not None else "scoped to other apps"
        return ReferenceStatus("scoped-out", f"{note}: daprd for app {self.options.app_id} does not load it")

    def scoped_out_references(self) -> list[Reference]:
        """secretKeyRefs of resources daprd does not load for this app (their scopes leave it out):
        other apps use the secret through them, so rotating it concerns them too."""
        if self._scoped_out_references is None:
            from dapr_secrets.components.references import build_references

            self._scoped_out_references = build_references(self.scoped_out, self.options.kubernetes)
        return list(self._scoped_out_references)

    def scoped_out_references_to(self, store: str, secret: str) -> list[Reference]:
        return [r for r in self.scoped_out_references() if r.store == store and r.secret == secret]

    def scope_decision(self, store: str, secret: str) -> ScopeDecision:
        from dapr_secrets.components.config import decide

        return decide(self.configuration, store, secret)

    def name_sets(self) -> NameSets:
        """The names of the opened stores, read when a hint needs them (names, never values)."""
        from dapr_secrets.backends.hints import NameSets

        with self._lock:
            if self._name_sets is None:
                self._name_sets = NameSets(self)
            return self._name_sets

    def missing_secret_hint(self, store: str, secret: str) -> str | None:
        """For an API answer that failed: when `store` is open and does not list `secret`, which
        other stores have it (or the nearest name); else None."""
        if self.status(store).state != State.READY or secret in self.name_sets().names(store):
            return None
        return self.name_sets().hint(store, secret, for_ref=False)

    # ----- opening components the way daprd initialises them

    def status(self, name: str) -> ComponentStatus:
        if name not in self._by_name:
            scoped = self._scoped_out.get(name)
            if scoped is not None:  # dapr:pkg/apis/common/scoped.go IsAppScoped: the loader drops it
                return ComponentStatus(
                    State.SCOPED_OUT,
                    f"{scope_note(scoped)}: daprd for app {self.options.app_id} does not load it",
                    f"add {self.options.app_id} to its scopes if this app should use it",
                )
            return ComponentStatus(State.ERROR, f"there is no component named {name!r}")
        with self._lock:
            return self._statuses.get(name, ComponentStatus(State.PENDING))

    def store(self, name: str) -> SecretStore | None:
        with self._lock:
            return self._stores.get(name)

    def start(self) -> None:
        """daprd start-up: every component, secret stores first (§1.5.1)."""
        for component in sorted(self.components, key=lambda c: not c.is_secret_store):
            self.open(component.name)

    def open(self, name: str) -> ComponentStatus:
        """Open one component (a secret store: construct it; any component: resolve its references
        through its auth store, opening that store first). Thread-safe, idempotent, blocking."""
        component = self._by_name.get(name)
        if component is None:
            return self.status(name)
        blocker = self._static_blocker(component)
        with self._open_lock(name):
            current = self.status(name)
            if current.state not in (State.PENDING, State.OPENING):
                return current
            self._set_status(name, ComponentStatus(State.OPENING))
            self._opening.depth = getattr(self._opening, "depth", 0) + 1
            try:
                status = blocker if blocker is not None else self._open_dependency_then(component)
            finally:
                self._opening.depth -= 1
            self._set_status(name, status)
            return status

    def opening_here(self) -> bool:
        """Whether this thread is inside `open` (holding a component's open lock): what it calls must
        not open other stores, one of which may wait for that lock."""
        return getattr(self._opening, "depth", 0) > 0

    def _open_lock(self, name: str) -> threading.Lock:
        with self._lock:
            return self._open_locks.setdefault(name, threading.Lock())

    def _set_status(self, name: str, status: ComponentStatus) -> None:
        with self._lock:
            self._statuses[name] = status

    def pod_name(self) -> str:
        """What daprd fills {podName} with: its POD_NAME variable, in every mode (runtime.go passes
        os.Getenv("POD_NAME") to meta.New). The Kubernetes injector always sets it; in Kubernetes
        mode without it here, the tool stands in a placeholder rather than report an error daprd
        would not have."""
        pod_name = self.options.daprd_env().get("POD_NAME", "")
        if not pod_name and self.options.kubernetes:
            return POD_NAME_PLACEHOLDER
        return pod_name

    def auth_store_name(self, component: Component) -> str:
        """The store every secretKeyRef of this component goes to (§2.3)."""
        if component.auth_secret_store:
            return component.auth_secret_store
        return BUILTIN_KUBERNETES_STORE if self.options.kubernetes else ""

    def _static_blocker(self, component: Component) -> ComponentStatus | None:
        """Problems visible without I/O: a denied type, and dependency chains that can never load
        (a missing store, a cycle). Checking these first keeps `open` free of lock cycles: the
        chain it then walks is acyclic. The category is checked later, after secret resolution,
        as daprd does (so an unknown type behind a missing store is parked, not refused)."""
        denied = self._denied_reason(component)
        if denied:
            return ComponentStatus(
                State.ERROR,
                denied,
                "check spec.components.deny in the --config file; with a deny list daprd also needs spec.type and spec.version",
            )
        seen = [component.name]
        current = component
        while current.references:
            store_name = self.auth_store_name(current)
            if not store_name:  # self-hosted, no auth.secretStore: daprd does not park, it initialises (§2.3)
                return None
            if store_name in seen:
                cycle = " -> ".join(seen + [store_name])
                return ComponentStatus(
                    State.WAITING,
                    f"secret store cycle {cycle}: daprd parks these components forever",
                    "let one of these stores take its settings from plain values or another store",
                    waiting_for=store_name,
                )
            target = self._by_name.get(store_name)
            if target is None or not target.is_secret_store:
                what = "is not a secret store" if target is not None else "is not configured"
                return ComponentStatus(
                    State.WAITING,
                    f"waiting for secret store {store_name!r}, which {what}: daprd parks "
                    f"{component.name} forever",
                    _missing_store_hint(store_name, self),
                    waiting_for=store_name,
                )
            seen.append(store_name)
            current = target
        return None

    def _denied_reason(self, component: Component) -> str | None:
        from dapr_secrets.components.config import is_component_denied

        return is_component_denied(self.configuration, component)

    def _open_dependency_then(self, component: Component) -> ComponentStatus:
        store_name = self.auth_store_name(component)
        if component.references and store_name:
            dependency = self.open(store_name)
            if dependency.state != State.READY:
                from dapr_secrets.backends.hints import causal_chain

                chain = causal_chain(self, component)
                reason = str(chain) if chain is not None else dependency.message or dependency.state.value
                return ComponentStatus(
                    State.WAITING,
                    f"waiting for secret store {store_name!r}, which did not open: {reason}",
                    chain.hint if chain is not None else dependency.hint,
                    waiting_for=store_name,
                )
            dropped = self._dropped_from_parked_list(component)
            if dropped is not None:
                return dropped
        status = self._initialise(component)
        root = self._release_plan()[1].get(component.name)
        if status.state == State.ERROR and root is not None:
            return self._reported_as_the_store(component, status, root)
        return status

    def _release_plan(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Which secret stores daprd parks and then initialises inside another store's call.

        daprd processes secret stores in loader order; one whose auth store is not loaded yet is
        parked behind it, and processComponentAndDependents initialises the parked list right
        after that store's own Init, recursively (§1.5, corrected). Other components come after
        every store, so they are never released this way. Returns (the components initialised in
        each top-level store's call, in order, the store first; the top-level store each released
        component is initialised under). Static: a store that fails never releases anything, and
        `open` finds that out on its own."""
        if self._release is not None:
            return self._release
        from dapr_secrets.components.references import uses_env_ref

        stores = {c.name: c for c in self.secret_stores()}
        processed: set[str] = set()
        parked: dict[str, list[str]] = {}
        calls: dict[str, list[str]] = {}
        root_of: dict[str, str] = {}

        def process(name: str, call: list[str]) -> None:
            component = stores[name]
            wants = self.auth_store_name(component) if any(not uses_env_ref(i) for i in component.references) else ""
            if wants in stores and wants not in processed:
                parked.setdefault(wants, []).append(name)
                return
            processed.add(name)
            call.append(name)
            for dependent in parked.pop(name, []):
                process(dependent, call)

        for name in stores:
            if name not in processed:
                call: list[str] = []
                process(name, call)
                if len(call) > 1:
                    calls[call[0]] = call
                    root_of.update({released: call[0] for released in call[1:]})
        self._release = (calls, root_of)
        return self._release

    def _dropped_from_parked_list(self, component: Component) -> ComponentStatus | None:
        """A released component that daprd never initialises: an earlier one in the same store call
        failed, and the error return skips the rest of the parked lists (no log line)."""
        calls, root_of = self._release_plan()
        root = root_of.get(component.name)
        if root is None:
            return None
        call = calls[root]
        for earlier in call[1 : call.index(component.name)]:
            if self.open(earlier).state == State.ERROR:
                return ComponentStatus(
                    State.WAITING,
                    f"parked until {self.auth_store_name(component)!r} loaded, to be initialised inside {root!r}'s "
                    f"start-up call; {earlier} failed first in that call, so daprd drops the rest of the parked "
                    f"list: {component.name} is never initialised (no log line)",
                    f"fix {earlier}, or let {component.name} come before it in file order",
                    waiting_for=self.auth_store_name(component),
                )
        return None

    def _reported_as_the_store(self, component: Component, status: ComponentStatus, root: str) -> ComponentStatus:
        """A released component's failure is returned through the store's call: daprd reports it as
        that store's error, and that store's ignoreErrors decides (processComponents)."""
        store = self._by_name[root]
        extra = next((status.hint[len(o) :] for o in _INIT_OUTCOMES if status.hint.startswith(o)), status.hint)
        note = (
            f"{component.name} was parked until its secret store loaded and was initialised inside {root}'s "
            f"call, so {root}'s spec.ignoreErrors decides, not its own, and the rest of {root}'s parked list "
            "is dropped. "
        )
        return ComponentStatus(
            State.ERROR, f"process component {root} error: {status.message}", _init_failure_hint(store, note + extra)
        )

    def _initialise(self, component: Component) -> ComponentStatus:
        """processComponentAndDependents once the references are resolved: the category check,
        the init deadline, then Init."""
        if component.category is None:
            return ComponentStatus(
                State.ERROR,
                f"incorrect type {component.type}",
                _init_failure_hint(
                    component,
                    "spec.type must start with one of daprd's nine categories: " + ", ".join(f"{c}." for c in CATEGORIES)
                    + " (lower case)",
                ),
            )
        from dapr_secrets.components.golang import parse_go_duration

        timeout = parse_go_duration(component.init_timeout) if component.init_timeout else None
        if timeout is not None and timeout <= 0:
            return ComponentStatus(
                State.ERROR,
                f"init timeout for component {component.label()}",
                _init_failure_hint(
                    component,
                    f"spec.initTimeout {component.init_timeout} gives Init an already expired deadline; "
                    "write a positive duration such as 10s, or remove it for the default 5s",
                ),
            )
        try:
            properties, problems, from_secrets = self._resolve_properties(component)
        except _ListComponentsFails as error:
            hint = (
                "daprd does not start at all, whatever spec.ignoreErrors says: create the Secret (or the key's "
                "Secret) in the app's namespace, or let the operator read it"
            )
            return ComponentStatus(State.ERROR, str(error), hint)
        except ValueError as error:  # a template tag daprd cannot fill: Init fails
            hint = "daprd fills {podName} from its POD_NAME variable (the Kubernetes injector sets it); set POD_NAME, or use --kubernetes"
            return ComponentStatus(State.ERROR, str(error), _init_failure_hint(component, hint))
        if not component.is_secret_store:
            return self._reference_summary(component)
        redactor = Redactor(properties[name] for name in from_secrets)
        return self._construct_store(component, properties, problems, redactor)

    def unresolved_without_auth_store(self, component: Component) -> list[MetadataItem]:
        """Self-hosted, no auth.secretStore: ProcessResource looks up store "", fails, and returns at
        the first secretKeyRef; preprocessOneComponent parks only behind a non-empty store name, so
        daprd initialises the component at once with that item and every later ref or envRef item
        unresolved (§2.3, corrected). The items left unresolved, in order; [] when this does not apply."""
        from dapr_secrets.components.references import uses_env_ref

        if self.auth_store_name(component):
            return []
        first = next((i for i, item in enumerate(component.metadata) if item.secret_key_ref and not uses_env_ref(item)), None)
        if first is None:
            return []
        later = component.metadata[first:]
        return [item for item in later if item.secret_key_ref is not None or uses_env_ref(item)]

    def _no_auth_store_message(self, component: Component) -> str:
        items = self.unresolved_without_auth_store(component)
        empty = [item.name for item in items if item.value is None]
        literal = [item.name for item in items if item.value is not None]
        parts = ([", ".join(empty) + " empty"] if empty else []) + (
            [", ".join(literal) + " at its literal value"] if literal else []
        )
        return (
            f"not resolved: no auth.secretStore in self-hosted mode; daprd initialises {component.name} "
            f"with {' and '.join(parts)}"
        )

    def _resolve_properties(self, component: Component) -> tuple[dict[str, str], list[str], set[str]]:
        """The property map daprd passes to Init (§1.2, §2): envRef, secretKeyRef (key defaults to
        the name; only a non-empty value replaces the item's value), then template tags.
        Also returns problems to report and the names of properties whose value came from a
        secret or the environment (to keep them out of messages).
        Raises ValueError with daprd's message when a template tag cannot be filled."""
        from dapr_secrets.components.references import build_properties, resolve_env_ref
        from dapr_secrets.components.values import component_value

        env = self.options.daprd_env()
        values: list[tuple[str, str | None]] = []
        problems: list[str] = []
        from_secrets: set[str] = set()
        unresolved = {id(item) for item in self.unresolved_without_auth_store(component)}
        if unresolved:
            problems.append(self._no_auth_store_message(component))
        for item in component.metadata:
            value = item.value
            if id(item) in unresolved:
                pass  # daprd's loop returned before this item: it keeps its literal value, or none
            elif self._operator_resolves(component, item):
                value, problem = self._operator_value(component, item, env)
                from_secrets.add(item.name)
                problems += [problem] if problem else []
            elif item.env_ref and item.value is None:
                value = component_value(resolve_env_ref(item, env) or "")  # never None: the item uses its envRef
                from_secrets.add(item.name)
            elif item.secret_key_ref is not None:
                ref = item.secret_key_ref
                secret = self.lookup_for_component(component, ref.name)
                if isinstance(secret, StoreError):
                    problems.append(f"{item.name}: error getting secret {ref.name!r}: {secret.message}")
                elif secret and secret.get(ref.effective_key):
                    value = component_value(secret[ref.effective_key])
                    from_secrets.add(item.name)
            values.append((item.name, value))
        namespace = self.options.namespace if self.options.namespace is not None else env.get("NAMESPACE")
        properties = build_properties(values, app_id=self.options.app_id or "", namespace=namespace, pod_name=self.pod_name())
        return properties, problems, from_secrets

    def _operator_resolves(self, component: Component, item: MetadataItem) -> bool:
        """Kubernetes mode: the operator fills secretKeyRefs to the `kubernetes` store (or with no
        auth.secretStore) before daprd sees the component (§2 rule 9)."""
        return self.options.kubernetes and item.secret_key_ref is not None and self.auth_store_name(component) == BUILTIN_KUBERNETES_STORE

    def operator_in_scope(self, component: Component) -> bool:
        """The operator only processes components scoped to the app (ListComponents)."""
        return not component.scopes or not self.options.app_id or self.options.app_id in component.scopes

    def _operator_value(self, component: Component, item: MetadataItem, env: Mapping[str, str]) -> tuple[str | None, str]:
        """One item after the operator (processComponentSecrets) and daprd (ProcessResource's
        operator branch): a key that exists sets the value, even to ""; a missing key leaves the
        literal, which daprd then base64-decodes (kept when that fails, "Error decoding secret").
        A Secret that cannot be read fails ListComponents: daprd does not start.
        Returns (value, a problem to report)."""
        import base64
        import binascii

        from dapr_secrets.components.references import resolve_env_ref
        from dapr_secrets.components.values import component_value

        ref = item.secret_key_ref
        assert ref is not None  # _operator_resolves: only secretKeyRef items come here
        secret = self.lookup_for_component(component, ref.name)
        if isinstance(secret, StoreError) or secret is None:
            if not self.operator_in_scope(component):
                return item.value, ""
            reason = secret.message if isinstance(secret, StoreError) else f"secret {ref.name} not found"
            raise _ListComponentsFails(
                f"{OPERATOR_FAILS}the operator cannot read Kubernetes Secret {ref.name!r} for {component.name} "
                f"(metadata {item.name!r}): {reason}"
            )
        if ref.effective_key in secret:
            return component_value(secret[ref.effective_key]), ""
        if item.value is None:
            if item.env_ref:
                return component_value(resolve_env_ref(item.replace(secret_key_ref=None), env) or ""), ""
            return None, f"{item.name}: Error decoding secret (Secret {ref.name!r} has no key {ref.effective_key!r})"
        try:
            decoded = base64.b64decode(item.value.encode(), validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return item.value, (
                f"{item.name}: Error decoding secret: Secret {ref.name!r} has no key {ref.effective_key!r}, so daprd "
                "tries to base64-decode the literal value, fails, and keeps it"
            )
        return component_value(decoded.decode("utf-8", "replace")), (
            f"{item.name}: Secret {ref.name!r} has no key {ref.effective_key!r}, and the literal value is valid "
            "base64: daprd decodes it and passes the decoded text"
        )

    def lookup_for_component(self, component: Component, secret: str) -> dict[str, str] | StoreError | None:
        """GetSecret on the component's auth store with {"namespace": component namespace},
        cached per (store, namespace, secret) as daprd caches per component (§2.5)."""
        store_name = self.auth_store_name(component)
        key = (store_name, component.namespace, secret)
        with self._lock:
            if key in self._reference_cache:
                return self._reference_cache[key]
        store = self.store(store_name)
        if store is None:  # not cached: the store may open later
            return StoreError(f"secret store {store_name!r} is not loaded")
        try:
            result: dict[str, str] | StoreError | None = store.get_secret(secret, {"namespace": component.namespace})
        except StoreError as error:
            result = error
        except Exception as error:  # noqa: BLE001 - a backend bug must not take the app down
            result = StoreError(f"unexpected {type(error).__name__} from the store")
        with self._lock:
            self._reference_cache[key] = result
        return result

    def _construct_store(
        self, component: Component, properties: dict[str, str], problems: list[str], redactor: Redactor
    ) -> ComponentStatus:
        lookup = registry.lookup(component.type, component.version)
        if not lookup.known_to_dapr:
            hint = _init_failure_hint(component, 'check spec.type and spec.version ("", v0 or v1)')
            return ComponentStatus(State.ERROR, lookup.message, hint)
        if lookup.target is None:  # known to Dapr, not supported here
            return ComponentStatus(State.UNSUPPORTED, lookup.message)
        context = StoreContext(
            env=self.options.daprd_env(),
            cwd=self.options.cwd or os.getcwd(),
            kubernetes_mode=self.options.kubernetes,
            component_source=component.source,
            options=self.options.store_options,
            kube_context=self.options.kube_context,
        )
        try:
            store_class = registry.load_class(lookup.target)
            store = store_class(component.name, properties, context)
        except DaprdCrashes as error:
            redactor.error(error)
            return ComponentStatus(
                State.ERROR,
                f"{DAPRD_CRASHES}{error.message}",
                f"a panic, not an Init error: daprd dies whatever spec.ignoreErrors says. {error.hint}".strip(),
            )
        except StoreError as error:
            redactor.error(error)
            message = error.message
            hint = error.hint or NO_AUTH_STORE_HINT
            if self.unresolved_without_auth_store(component):
                message = f"{self._no_auth_store_message(component)}, and its Init fails: {message}"
            else:
                from dapr_secrets.backends.hints import own_chain

                chain = own_chain(self, component)  # a setting that came from a store gave no value
                if chain is not None:
                    message, hint = f"{message} ({chain})", chain.hint
                    return ComponentStatus(State.ERROR, message, _init_failure_hint(component, hint), source=chain.source)
            return ComponentStatus(State.ERROR, message, _init_failure_hint(component, hint))
        except MissingExtra as error:
            return ComponentStatus(State.UNSUPPORTED, str(error), f"install the extra with {error.install}")
        except ImportError as error:
            return ComponentStatus(State.UNSUPPORTED, f"the backend for {component.type} could not be loaded: {error.name}")
        except Exception as error:  # noqa: BLE001 - a backend bug must not take the app down
            return ComponentStatus(State.ERROR, f"unexpected {type(error).__name__} while opening the store")
        with self._lock:
            # RedactedStore forwards everything it does not redact (__getattr__): it stands in for the store
            self._stores[component.name] = RedactedStore(store, redactor) if redactor else store  # type: ignore[assignment]
        message = "; ".join(problems)
        hint = NO_AUTH_STORE_HINT if self.unresolved_without_auth_store(component) else ""
        return ComponentStatus(State.READY, message, hint)

    def _reference_summary(self, component: Component) -> ComponentStatus:
        """A component daprd would initialise: READY when every reference gives a value, else
        DEGRADED naming the first that does not (daprd starts it without that value, silently)."""
        if self.unresolved_without_auth_store(component):
            return ComponentStatus(State.DEGRADED, self._no_auth_store_message(component), NO_AUTH_STORE_HINT)
        refs = [r for r in self.references() if r.component == component.name and r.kind == component.kind]
        broken = [(r, s) for r in refs if not (s := self.check_reference(r)).ok]
        if not broken:
            return ComponentStatus(State.READY, "daprd would initialise it")
        ref, status = broken[0]
        more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
        outcome = "daprd uses the literal value instead" if ref.has_fallback_value else "daprd starts the component without it"
        return ComponentStatus(
            State.DEGRADED,
            f"metadata {ref.field!r} gets no value from {ref.store}/{ref.secret}: {status.message}{more}; {outcome}",
            status.hint or reference_hint(status.code, ref),
        )

    # ----- references

    def check_reference(self, ref: Reference) -> ReferenceStatus:
        """Would daprd resolve this secretKeyRef, and to a usable value? Never returns the value."""
        if not ref.store:
            what = "empty" if not ref.has_fallback_value else "at its literal value"
            if ref.kind != "Component":
                return ReferenceStatus(
                    "no-auth-store",
                    f"not resolved: no auth.secretStore in self-hosted mode; daprd leaves the {ref.kind}'s {ref.field} {what}",
                )
            component = self._by_name.get(ref.component)
            name = component.name if component else ref.component
            return ReferenceStatus(
                "no-auth-store",
                f"not resolved: no auth.secretStore in self-hosted mode; daprd initialises {name} with {ref.field} {what}",
            )
        target = self._by_name.get(ref.store)
        if target is None or not target.is_secret_store:
            return ReferenceStatus("store-missing", f"secret store {ref.store!r} is not configured")
        status = self.open(ref.store)
        if status.state != State.READY:
            return ReferenceStatus("store-not-loaded", f"secret store {ref.store!r} is not loaded: {status.message}")
        component = self._by_name.get(ref.component) if ref.kind == "Component" else self._others.get((ref.kind, ref.component))
        if component is None:
            return ReferenceStatus("error", f"no {ref.kind} named {ref.component!r}")
        secret = self.lookup_for_component(component, ref.secret)
        operator = self.options.kubernetes and ref.store == BUILTIN_KUBERNETES_STORE  # §2 rule 9
        fatal = "; the operator cannot read it, so daprd does not start (failed to load components)" if (
            operator and self.operator_in_scope(component)) else ""
        if isinstance(secret, SecretNotFound):
            hint = self.name_sets().hint(ref.store, ref.secret)
            return ReferenceStatus("secret-not-found", f"secret {ref.secret!r} not found: {secret.message}{fatal}", hint)
        if isinstance(secret, StoreError):
            return ReferenceStatus("error", secret.message + fatal)
        if not secret or ref.key not in secret:
            from dapr_secrets.backends.hints import missing_key_hint, missing_key_message

            keys = list(secret or {})  # names of keys only
            if operator:
                return ReferenceStatus(
                    "key-not-found",
                    f"secret {ref.secret!r} has no key {ref.key!r}: the operator leaves the literal value, which daprd "
                    "then tries to base64-decode (\"Error decoding secret\" when it is not base64)",
                    missing_key_hint(ref.secret, ref.key, keys),
                )
            message = missing_key_message(ref.secret, ref.key, keys)
            return ReferenceStatus("key-not-found", message, missing_key_hint(ref.secret, ref.key, keys))
        if secret[ref.key] == "":
            if operator:
                return ReferenceStatus(
                    "empty-value", f'key {ref.key!r} is empty: the operator passes "", which replaces any literal value'
                )
            return ReferenceStatus("empty-value", f"key {ref.key!r} is empty: daprd ignores an empty value")
        return ReferenceStatus("ok", "resolves")

    # ----- the secrets API (§4)

    def api_get(self, store: str, name: str, metadata: Mapping[str, str] | None = None) -> ApiResponse:
        removed = self._removed_endpoint("get")
        if removed is not None:
            return removed
        target = self._api_store(store)
        if isinstance(target, ApiResponse):
            return target
        decision = self.scope_decision(store, name)
        if not decision.allowed:
            return _api_error(403, "ERR_PERMISSION_DENIED", f"access denied by policy to get {go_quote(name)} from {go_quote(store)}")
        try:
            result = target.get_secret(name, dict(metadata or {}))
        except StoreError as error:
            return _api_error(500, "ERR_SECRET_GET", f"failed getting secret with key {name} from secret store {store}: {error.message}")
        return ApiResponse(204) if result is None else ApiResponse(200, result)

    def api_bulk(self, store: str, metadata: Mapping[str, str] | None = None) -> ApiResponse:
        removed = self._removed_endpoint("bulk")
        if removed is not None:
            return removed
        target = self._api_store(store)
        if isinstance(target, ApiResponse):
            return target
        try:
            result = target.bulk_get(dict(metadata or {}))
        except StoreError as error:
            return _api_error(500, "ERR_SECRET_GET", f"failed getting secrets from secret store {store}: {error.message}")
        if result is None:
            return ApiResponse(204)
        allowed = {k: v for k, v in result.items() if self.scope_decision(store, k).allowed}
        return ApiResponse(200, allowed)

    def _removed_endpoint(self, which: str) -> ApiResponse | None:
        """The answer when spec.api does not register this endpoint (§4 R4), else None."""
        from dapr_secrets.components import config

        endpoint = config.SECRETS_BULK_ENDPOINT if which == "bulk" else config.SECRETS_GET_ENDPOINT
        if config.is_endpoint_allowed(self.configuration, endpoint):
            return None
        status, body, plain = config.removed_endpoint_answer(self.configuration)
        return ApiResponse(status, body, raw=plain or None)

    def _api_store(self, store: str) -> SecretStore | ApiResponse:
        if self.open(store).state == State.READY and store in self._by_name:
            opened = self.store(store)
            if opened is not None:
                return opened
        self.start()  # to tell "no store at all" (500) from "not this one" (401)
        if not any(self.status(c.name).state == State.READY for c in self.secret_stores()):
            return _api_error(500, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured")
        return _api_error(401, "ERR_SECRET_STORE_NOT_FOUND", f"failed finding secret store with key {store}")

    # ----- doctor

    def doctor(self, deadline: float = DOCTOR_DEADLINE) -> list[Diagnostic]:
        """Everything wrong, in the order a person would fix it (backends/doctor.py). Opens every store;
        every component and reference is checked at once, under one `deadline` (seconds)."""
        from dapr_secrets.backends.doctor import run_doctor

        return run_doctor(self, deadline)

    # ----- lifecycle

    def refresh(self) -> None:
        """Forget every opened store and cache, and read the resources again (when they came
        from files or a cluster; a runtime built from objects keeps its objects)."""
        self.close()
        if self._from_options:
            self._install(read_resources(self.options))
        else:
            self._install(
                LoadedResources(self.components, self.diagnostics, self.configuration, self.cluster_info, self.other_resources,
                                self.scoped_out)
            )

    def close(self) -> None:
        with self._lock:
            stores = list(self._stores.values())
            self._stores.clear()
        for store in stores:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - closing must never fail the caller
                pass


class _ListComponentsFails(Exception):
    """The operator could not read a referenced Kubernetes Secret: daprd never starts."""


def _missing_store_hint(store_name: str, runtime: Runtime) -> str:
    stores = ", ".join(c.name for c in runtime.secret_stores()) or "none"
    return f"set auth.secretStore to one of the configured secret stores ({stores}), or add a store named {store_name!r}"


NO_AUTH_STORE_HINT = "add `auth: {secretStore: <store name>}` to the component: self-hosted daprd has no default secret store"


_INIT_OUTCOMES = (
    "skipped: ignoreErrors (daprd logs the error and goes on without this component). ",
    "daprd would exit at start-up (spec.ignoreErrors is false). ",
)


def _init_failure_hint(component: Component, extra: str) -> str:
    """What daprd does after a failed Init: exits, or with ignoreErrors logs it and skips the component."""
    outcome = _INIT_OUTCOMES[0] if component.ignore_errors else _INIT_OUTCOMES[1]
    return (outcome + extra).strip()


def reference_hint(code: str, ref: Reference) -> str:
    if code == "no-auth-store":
        return NO_AUTH_STORE_HINT
    if code == "secret-not-found":
        return f"create secret {ref.secret!r} in store {ref.store!r}, or fix secretKeyRef.name"
    if code == "key-not-found":
        return f"add key {ref.key!r} to secret {ref.secret!r}, or fix secretKeyRef.key (empty means: same as the name)"
    if code == "empty-value":
        fallback = "its literal value is used instead" if ref.has_fallback_value else "the property stays empty"
        return f"give the key a value; until then {fallback}"
    return "check that the store is reachable and the credentials allow reading this secret"
