"""Where daprd's resources come from: folders of YAML files and --config files, or the cluster's
Components and Configurations (dapr-behaviour.md §1). Read once per Runtime.load and on refresh."""

from __future__ import annotations

import os

from dapr_secrets.backends.base import StoreError
from dapr_secrets.components.model import Component, Configuration, Diagnostic, Severity
from dapr_secrets.components.record import MutableRecord

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from dapr_secrets.backends.runtime import RuntimeOptions


class LoadedResources(MutableRecord):
    __match_args__ = ("components", "diagnostics", "configuration", "extra", "other_resources", "scoped_out")

    def __init__(self, components: list[Component], diagnostics: list[Diagnostic], configuration: Configuration,
                 extra: dict[str, Any] | None = None, other_resources: list[Component] | None = None,
                 scoped_out: list[Component] | None = None) -> None:
        self.components = components
        self.diagnostics = diagnostics
        self.configuration = configuration
        # None: a new dict or list each, as field(default_factory=...) gave
        self.extra: dict[str, Any] = {} if extra is None else extra  # e.g. the cluster context in Kubernetes mode
        self.other_resources: list[Component] = [] if other_resources is None else other_resources  # HTTPEndpoints, MCPServers
        self.scoped_out: list[Component] = [] if scoped_out is None else scoped_out  # left out by their scopes: not loaded


def read_resources(options: RuntimeOptions) -> LoadedResources:
    env = options.daprd_env()
    if options.resources_from_cluster:
        from dapr_secrets.backends.kubernetes_resources import load_cluster_resources

        cluster = load_cluster_resources(
            kubeconfig=None, context=options.kube_context, namespace=options.namespace, env=env
        )
        # daprd applies the Configuration its pod names (dapr.io/config); --config NAME picks it here.
        wanted = set(options.config_files)
        chosen = [c for key, c in cluster.configurations.items() if key.rpartition("/")[2] in wanted]
        configuration = chosen[0] if chosen else Configuration()
        missing = [_config_not_in_cluster(name) for name in sorted(wanted) if not any(
            key.rpartition("/")[2] == name for key in cluster.configurations)]
        from dapr_secrets.components.loader import filter_components

        diagnostics = cluster.diagnostics + missing
        scoped_out: list[Component] = []
        components = filter_components(cluster.components, "", options.app_id, diagnostics, kubernetes=True, scoped_out=scoped_out)
        others = filter_components(cluster.other_resources, "", options.app_id, diagnostics, kubernetes=True, scoped_out=scoped_out)
        return LoadedResources(
            components,
            diagnostics,
            configuration,
            {"context": cluster.context, "namespaces": cluster.namespaces},
            others,
            scoped_out,
        )
    from dapr_secrets.components.config import load_configuration
    from dapr_secrets.components.loader import load_resources

    paths = [os.path.expanduser(p) for p in options.resources_paths]
    loaded = load_resources(
        paths, namespace=options.daprd_namespace(), app_id=options.app_id, kubernetes=options.kubernetes
    )
    configuration, config_diagnostics = load_configuration(list(options.config_files), env)
    return LoadedResources(
        loaded.components, loaded.diagnostics + config_diagnostics, configuration, other_resources=loaded.other_resources,
        scoped_out=loaded.scoped_out,
    )


def _config_not_in_cluster(name: str) -> Diagnostic:
    """daprd fails to start when the Configuration its pod names cannot be loaded."""
    return Diagnostic(
        Severity.ERROR,
        "config-not-found",
        f"there is no Configuration named {name!r} in the cluster: daprd does not start",
        "check the name given to --config (the pod's dapr.io/config annotation) and the namespace",
    )


def cluster_namespace(options: RuntimeOptions) -> str:
    """One daprd serves one namespace: without --namespace, the context's namespace, as kubectl."""
    from dapr_secrets.backends.kubernetes_resources import list_contexts

    try:
        contexts, current = list_contexts(None, options.daprd_env())
    except StoreError:
        return "default"
    wanted = options.kube_context or current
    return next((c.namespace for c in contexts if c.name == wanted and c.namespace), "default")
