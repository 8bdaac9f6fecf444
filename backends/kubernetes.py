"""`secretstores.kubernetes` (dapr-behaviour.md §3.3), and the small JSON client Kubernetes mode shares.

All API calls go through the `kubernetes` package's ApiClient (auth, TLS, kubeconfig handling) with
`_preload_content=False`: we parse the JSON ourselves, which is faster than the generated models, lets
us ask for metadata-only lists, and keeps secret data out of the client's debug log of response bodies.

A little over 500 lines: the store and the client it shares with Kubernetes mode (kubernetes_resources)
change together; splitting them would scatter one API's error wording over two modules.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    LastChanged,
    SecretDetails,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    StoreContext,
    StoreError,
    StoreMisconfigured,
    StoreTimeout,
    StoreUnreachable,
    parse_time,
)
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup

# client-go's fixed in-cluster files. Tests point this at their own token and CA.
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
PAGE_SIZE = 500
JSON = "application/json"
# Ask for PartialObjectMetadataList: names, labels, dates, never `data` (plain JSON if unsupported).
METADATA_LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
METADATA_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
NAMESPACE_MISSING = "namespace is missing on metadata and NAMESPACE env variable, and no default namespace is set"
IN_CLUSTER = "in-cluster"

SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token"
HELM_RELEASE_TYPE = "helm.sh/release.v1"
_SERVICE_ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name"


class CredentialsRejected(AccessDenied):
    """401: the API server did not accept our token or certificate (every call will fail the same way)."""


class NotServed(StoreError):
    """404 for something other than a Secret: an API the cluster does not serve (e.g. Dapr's CRDs)."""

    kind = "not_found"


@dataclass(frozen=True)
class ClusterTarget:
    """Which API server we talk to, and as whom: for error hints and the UI. Never a credential."""

    server: str
    context: str  # the kubeconfig context, or "in-cluster"
    user: str  # the kubeconfig user entry, or the service account token file
    kubeconfig: str | None = None

    def describe(self) -> str:
        if self.kubeconfig is None:
            return f"service account token {self.user} -> {self.server} (in-cluster)"
        return f"user {self.user} -> {self.server} (kubeconfig {self.kubeconfig}, context {self.context})"


class KubeApi:
    """GET-only JSON access to one API server: every call has a timeout, every failure a typed error."""

    def __init__(self, api_client: Any, target: ClusterTarget, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.api_client = api_client
        self.target = target
        self.timeout = timeout

    def get(
        self,
        path: str,
        *,
        query: list[tuple[str, str]] | None = None,
        accept: str = JSON,
        verb: str = "get",
        resource: str = "",
        namespace: str | None = None,
        name: str | None = None,
    ) -> dict[str, Any]:
        """One GET; `verb`/`resource`/`namespace`/`name` only shape the error message when it fails."""
        from kubernetes.client.exceptions import ApiException
        from kubernetes.config.config_exception import ConfigException
        from urllib3.exceptions import HTTPError

        try:
            response = self.api_client.call_api(
                path,
                "GET",
                query_params=query or [],
                header_params={"Accept": accept},
                auth_settings=["BearerToken"],
                _preload_content=False,
                _request_timeout=self.timeout,
            )
            try:
                body = response.data
            finally:
                response.release_conn()
        except ApiException as error:
            raise api_error(error, self.target, verb, resource, namespace, name) from None
        except AttributeError as error:
            # On a TLS failure the client raises ApiException(status=0, body=None), then trips over
            # `e.body.decode()` while re-raising it: recover the original.
            if not isinstance(error.__context__, ApiException):
                raise
            raise api_error(error.__context__, self.target, verb, resource, namespace, name) from None
        except HTTPError as error:
            raise transport_error(error, self.target, self.timeout) from None
        except ConfigException:  # a kubeconfig credential plugin failed while refreshing
            raise StoreMisconfigured(
                f"cannot get credentials for context {self.target.context}: the kubeconfig's credential plugin "
                "or token refresh failed (its message is not shown: it can quote credentials)",
                "run `kubectl --context <context> get ns` to see the plugin's own error",
            ) from None
        try:
            document: dict[str, Any] = json.loads(body)
            return document
        except ValueError:
            raise StoreError(
                f"the API server {self.target.server} answered {path} with something that is not JSON"
            ) from None

    def pages(
        self,
        path: str,
        *,
        accept: str = JSON,
        page_size: int = PAGE_SIZE,
        resource: str = "",
        namespace: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Each page of a list (`limit` + `continue`), as the API server's JSON."""
        token = ""
        while True:
            query = [("limit", str(page_size))] + ([("continue", token)] if token else [])
            page = self.get(path, query=query, accept=accept, verb="list", resource=resource, namespace=namespace)
            yield page
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token:
                return

    def close(self) -> None:
        self.api_client.close()


def in_cluster_api(env: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT) -> KubeApi | None:
    """client-go's InClusterConfig: KUBERNETES_SERVICE_HOST/PORT plus the service-account files, else None.

    (client-go only logs a missing ca.crt and carries on with system roots; the Python loader needs it.)"""
    from kubernetes.client import ApiClient
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.incluster_config import InClusterConfigLoader

    token_file = os.path.join(SERVICE_ACCOUNT_DIR, "token")
    loader = InClusterConfigLoader(token_file, os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"), environ=env)
    configuration = _client_configuration()
    try:
        loader.load_and_set(configuration)
    except ConfigException:
        return None
    return KubeApi(ApiClient(configuration), ClusterTarget(configuration.host, IN_CLUSTER, token_file), timeout)


def kubeconfig_api(kubeconfig: str, context: str | None, timeout: float = DEFAULT_TIMEOUT) -> KubeApi:
    """A client for `context` (else the current context) of a kubeconfig; `kubeconfig` may be a
    KUBECONFIG-style list, merged like kubectl does. Raises StoreMisconfigured with what to fix."""
    from kubernetes.config import new_client_from_config

    contexts, current = kubeconfig_contexts(kubeconfig)
    chosen = context or current
    if not chosen or chosen not in contexts:
        raise _unknown_context(kubeconfig, chosen, sorted(contexts))
    try:
        client = new_client_from_config(
            config_file=kubeconfig, context=chosen, persist_config=False, client_configuration=_client_configuration()
        )
    except Exception as error:  # noqa: BLE001 - a malformed kubeconfig trips the client in many ways (AttributeError, TypeError...)
        raise StoreMisconfigured(f"cannot use kubeconfig {kubeconfig}: {kubeconfig_problem(error)}", hint=_KUBECONFIG_HINT) from None
    target = ClusterTarget(client.configuration.host, chosen, str(contexts[chosen].get("user") or "?"), kubeconfig)
    return KubeApi(client, target, timeout)


def kubeconfig_contexts(kubeconfig: str) -> tuple[dict[str, dict[str, Any]], str | None]:
    """({context name: its `context` entry}, current-context) of a kubeconfig (or KUBECONFIG-style list)."""
    from kubernetes.config.kube_config import KubeConfigMerger

    try:
        merged = KubeConfigMerger(kubeconfig).config
    except Exception as error:  # noqa: BLE001 - as above
        raise StoreMisconfigured(f"cannot read kubeconfig {kubeconfig}: {kubeconfig_problem(error)}", hint=_KUBECONFIG_HINT) from None
    if merged is None or not isinstance(merged.value, dict):
        raise StoreMisconfigured(f"no kubeconfig found at {kubeconfig}", hint=_KUBECONFIG_HINT)
    contexts = {}
    for node in merged.value.get("contexts") or []:
        entry = node.value if isinstance(node.value, dict) else {}
        if entry.get("name"):
            contexts[str(entry["name"])] = entry.get("context") or {}
    return contexts, merged.value.get("current-context") or None


def default_kubeconfig(env: Mapping[str, str]) -> str | None:
    """`KUBECONFIG`, else `$HOME/.kube/config` (client-go's homedir); None without either."""
    if env.get("KUBECONFIG"):
        return env["KUBECONFIG"]
    home = env.get("HOME")
    return os.path.join(home, ".kube", "config") if home else None


def kubeconfig_problem(error: Exception) -> str:
    """What is wrong with a kubeconfig, in our own words: the client's text can quote the file,
    its `users` entries and their tokens included, so it is never shown."""
    import yaml

    if isinstance(error, OSError):
        return error.strerror or "it cannot be read"
    if isinstance(error, yaml.YAMLError):
        mark = getattr(error, "problem_mark", None)
        return "it is not valid YAML" + (f" (near line {mark.line + 1})" if mark is not None else "")
    return "an entry is missing or malformed (the Kubernetes client's message is not shown: it can quote credentials)"


_KUBECONFIG_HINT = "point the component's kubeconfigPath, or KUBECONFIG, at a valid kubeconfig file"


def _unknown_context(kubeconfig: str, chosen: str | None, available: list[str]) -> StoreMisconfigured:
    listed = ", ".join(available) or "none"
    if not chosen:
        return StoreMisconfigured(
            f"kubeconfig {kubeconfig} has no current-context", hint=f"choose one with --context: {listed}"
        )
    return StoreMisconfigured(f"context {chosen} is not in kubeconfig {kubeconfig}", hint=f"contexts there: {listed}")


def _client_configuration() -> Any:
    from kubernetes.client import Configuration

    # type.__call__ skips the package's global default configuration (no shared state between clients).
    configuration = type.__call__(Configuration)
    configuration.retries = False  # one attempt: a call never takes longer than its timeout
    return configuration


# --- errors for people ------------------------------------------------------------------------------


def api_error(
    error: Any, target: ClusterTarget, verb: str, resource: str, namespace: str | None, name: str | None
) -> StoreError:
    """An HTTP error from the API server. The message is the Status message (what client-go, and so
    daprd, reports); the hint says what to do. Status bodies carry names, never secret data."""
    if error.status == 0:  # the client reports TLS failures this way
        return StoreUnreachable(
            f"TLS connection to {target.server} failed: {str(error.reason).splitlines()[-1]}",
            hint=f"the server's certificate is not trusted by the CA of context {target.context}: check the kubeconfig",
        )
    message = _status_message(error.body) or f"HTTP {error.status} {error.reason}"
    where = f'namespace "{namespace}"' if namespace else "the whole cluster"
    if error.status == 401:
        return CredentialsRejected(message, hint=_credentials_hint(target))
    if error.status == 403:
        user = _forbidden_user(message) or target.user
        return AccessDenied(
            message,
            hint=f"RBAC denies `{verb} {resource}` in {where} for {user}: "
            "ask a cluster admin for a Role and RoleBinding that grant it",
        )
    if error.status == 404 and resource == "secrets" and name is not None:
        return SecretNotFound(
            message, hint=f'no Secret "{name}" in {where}; the namespace may not exist (context {target.context})'
        )
    if error.status == 404:
        return NotServed(message)
    return StoreError(message)


def transport_error(error: Exception, target: ClusterTarget, timeout: float) -> StoreError:
    from urllib3.exceptions import NewConnectionError, SSLError, TimeoutError

    reason = getattr(error, "reason", None) or error  # MaxRetryError wraps the cause
    if isinstance(reason, TimeoutError) and not isinstance(reason, NewConnectionError):
        return StoreTimeout(
            f"the API server {target.server} did not answer within {timeout:g} s",
            hint=f"the cluster of context {target.context} may be overloaded or unreachable from here",
        )
    if isinstance(reason, SSLError):
        return StoreUnreachable(
            f"TLS connection to {target.server} failed", hint="check the kubeconfig's CA and server"
        )
    detail = re.search(r"\[Errno -?\d+\] ([^')\"]+)", str(reason))
    return StoreUnreachable(
        f"cannot reach the API server {target.server} (context {target.context}): "
        f"{detail.group(1).strip() if detail else type(reason).__name__}",
        hint="is the cluster running, and is the kubeconfig's server address right? (VPN, port-forward, tunnel)",
    )


def _status_message(body: Any) -> str:
    try:
        status = json.loads(body)
    except (TypeError, ValueError):
        return ""
    if not isinstance(status, dict) or status.get("kind") != "Status":
        return ""
    return str(status.get("message") or "")[:500]


def _forbidden_user(message: str) -> str | None:
    match = re.search(r'User "([^"]*)"', message)
    return match.group(1) if match else None


def _credentials_hint(target: ClusterTarget) -> str:
    if target.kubeconfig is None:
        return f"token expired or invalid: the API server refused the pod's service account token {target.user}"
    return (
        f"token expired or invalid: refresh your kubeconfig credentials (context {target.context}, user {target.user})"
    )


# --- the secret store ---------------------------------------------------------------------------------


class KubernetesStore(SecretStore):
    """Secrets of one namespace. Values are base64-decoded; bytes that are not UTF-8 are kept as
    surrogate escapes, so `go_json` prints U+FFFD where Go would and the UI can tell they are binary."""

    multi_valued = False  # Dapr advertises no MULTIPLE_KEY_VALUES_PER_SECRET for this store (§3.3)
    page_size = PAGE_SIZE

    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate:
            raise duplicate
        self.default_namespace = property_lookup(properties, "defaultNamespace") or ""
        # §3.3: in-cluster config wins; else kubeconfigPath, KUBECONFIG, ~/.kube/config. No API call here.
        self.api = in_cluster_api(context.env) or kubeconfig_api(self._kubeconfig_path(), context.kube_context)

    def _kubeconfig_path(self) -> str:
        explicit = property_lookup(self.properties, "kubeconfigPath")
        path = os.path.join(self.context.cwd, explicit) if explicit else default_kubeconfig(self.context.env)
        if not path:
            raise StoreMisconfigured(
                "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable",
                hint="set kubeconfigPath in the component, or KUBECONFIG",
            )
        if not os.path.isfile(path):  # daprd reads one explicit file: a KUBECONFIG list is not merged
            hint = "daprd reads KUBECONFIG as one file, not a list" if os.pathsep in path else _KUBECONFIG_HINT
            raise StoreMisconfigured(f"stat {path}: no such file or directory", hint=hint)
        return path

    def namespace_for(self, metadata: Mapping[str, str]) -> str:
        """§3.3: request metadata `namespace`, then NAMESPACE of daprd, then `defaultNamespace`."""
        for candidate in (metadata.get("namespace"), self.context.env.get("NAMESPACE"), self.default_namespace):
            if candidate:
                return candidate
        raise StoreError(
            NAMESPACE_MISSING, hint="add `defaultNamespace` to the component, set NAMESPACE, or pass metadata.namespace"
        )

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        namespace = self.namespace_for(metadata)
        secret = self._read(namespace, name)
        return {key: _decode(value) for key, value in (secret.get("data") or {}).items()}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        # Dapr lists every Secret in one request; pages of the same list give the same result.
        namespace = self.namespace_for(metadata)
        result: dict[str, dict[str, str]] = {}
        for page in self.api.pages(
            _secrets_path(namespace), page_size=self.page_size, resource="secrets", namespace=namespace
        ):
            for item in page.get("items") or []:
                result[item["metadata"]["name"]] = {
                    key: _decode(value) for key, value in (item.get("data") or {}).items()
                }
        return result

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        namespace = self.namespace_for({})
        pages = self.api.pages(
            _secrets_path(namespace),
            accept=METADATA_LIST_ACCEPT,
            page_size=self.page_size,
            resource="secrets",
            namespace=namespace,
        )
        for page in pages:
            yield [_entry(item) for item in page.get("items") or []]

    def describe(self, name: str) -> SecretDetails:
        namespace = self.namespace_for({})
        secret = self._read(namespace, name)
        metadata = secret.get("metadata") or {}
        secret_type = secret.get("type") or "Opaque"
        attributes = {"type": secret_type, "namespace": namespace} | _metadata_info(metadata)
        if secret.get("immutable"):
            attributes["immutable"] = "true"
        notes = []
        data = secret.get("data") or {}
        for key, value in sorted(data.items()):
            raw = base64.b64decode(value)
            binary = not _is_utf8(raw)
            attributes[f"data.{key}"] = f"{len(raw)} bytes" + (" (binary)" if binary else "")
            if binary:
                notes.append(f"{key} is not UTF-8 text: Dapr returns its bytes as they are; JSON shows them as U+FFFD")
        if not data:
            notes.append("no data: Dapr returns an empty map")
        if _kind_note(secret_type):
            notes.append(_kind_note(secret_type))
        return SecretDetails(attributes=attributes, notes=tuple(notes), last_changed=_last_changed(metadata))

    def last_changed(self, name: str) -> LastChanged | None:
        # Metadata only (describe reads `data`, for the sizes it shows).
        namespace = self.namespace_for({})
        _check_segment("resource name", name)
        secret = self.api.get(f"{_secrets_path(namespace)}/{quote(name, safe='')}", accept=METADATA_ACCEPT,
                              resource="secrets", namespace=namespace, name=name)
        return _last_changed(secret.get("metadata") or {})

    def identity(self) -> str:
        return self.api.target.describe()

    def close(self) -> None:
        self.api.close()

    def _read(self, namespace: str, name: str) -> dict[str, Any]:
        _check_segment("resource name", name)
        return self.api.get(
            f"{_secrets_path(namespace)}/{quote(name, safe='')}", resource="secrets", namespace=namespace, name=name
        )


def _secrets_path(namespace: str) -> str:
    _check_segment("namespace", namespace)
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/secrets"


def _check_segment(what: str, value: str) -> None:
    """client-go refuses names that are not a valid path segment before sending anything."""
    if not value:
        raise StoreError(f"{what} may not be empty")
    if value in (".", ".."):
        problems = [f"may not be '{value}'"]
    else:
        problems = [f"may not contain '{bad}'" for bad in ("/", "%") if bad in value]
    if problems:
        raise StoreError(f"invalid {what} {json.dumps(value, ensure_ascii=False)}: [{' '.join(problems)}]")


def _decode(value: str) -> str:
    # Go's string([]byte) keeps any bytes; surrogate escapes keep them here, and go_json prints U+FFFD.
    return base64.b64decode(value).decode("utf-8", "surrogateescape")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _entry(item: Mapping[str, Any]) -> SecretEntry:
    metadata = item.get("metadata") or {}
    secret_type = item.get("type") or _inferred_type(metadata)  # `type` only if the server sent full objects
    info = _metadata_info(metadata) | ({"type": secret_type} if secret_type else {})
    return SecretEntry(name=metadata.get("name", ""), info=info, note=_kind_note(secret_type), changed=_last_changed(metadata))


def _last_changed(metadata: Mapping[str, Any]) -> LastChanged | None:
    """A Secret has no "updated" field: the newest managedFields time is the last write the API
    server recorded (any field, data or labels); without it, the creation time."""
    written = [parse_time(str(entry.get("time") or "")) for entry in metadata.get("managedFields") or [] if isinstance(entry, Mapping)]
    newest = max((moment for moment in written if moment is not None), default=None)
    return LastChanged.at(newest, "updated") or LastChanged.at(parse_time(str(metadata.get("creationTimestamp") or "")), "created")


def _metadata_info(metadata: Mapping[str, Any]) -> dict[str, str]:
    """Labels, creation time and how many annotations: annotation values may hold data
    (kubectl's last-applied-configuration does), so they are never shown."""
    info = {"created": str(metadata.get("creationTimestamp") or "")}
    labels = metadata.get("labels") or {}
    if labels:
        info["labels"] = ", ".join(f"{key}={value}" for key, value in sorted(labels.items()))
    if metadata.get("annotations"):
        info["annotations"] = str(len(metadata["annotations"]))
    return info


def _inferred_type(metadata: Mapping[str, Any]) -> str:
    """Metadata-only listings lack `type`; these two common kinds can still be recognised."""
    if _SERVICE_ACCOUNT_ANNOTATION in (metadata.get("annotations") or {}):
        return SERVICE_ACCOUNT_TOKEN_TYPE
    labels = metadata.get("labels") or {}
    if labels.get("owner") == "helm" and str(metadata.get("name", "")).startswith("sh.helm.release.v1."):
        return HELM_RELEASE_TYPE
    return ""


def _kind_note(secret_type: str) -> str:
    if secret_type == SERVICE_ACCOUNT_TOKEN_TYPE:
        return "service-account token: Dapr's bulk returns it too"
    if secret_type == HELM_RELEASE_TYPE:
        return "Helm release record: Dapr's bulk returns it too"
    return ""
