"""A protocol-faithful Kubernetes API server for tests: HTTPS on 127.0.0.1, bearer tokens, RBAC denials.

Built from the published API shapes (test-infra.md §2b): `Status` error bodies (401/403/404), list paging
with `limit` / `continue` / `remainingItemCount`, label selectors, `PartialObjectMetadataList` content
negotiation by the Accept header, namespaces, Secrets, and Dapr's `components` / `configurations` CRDs.
Read-only (every other verb is 405). Every request is recorded with the size of its response.
"""

from __future__ import annotations

import base64
import bisect
import json
import re
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from tests.fakes.tls import TestCA

METADATA_LIST_MEDIA = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
METADATA_MEDIA = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
DEFAULT_TOKEN = "test-token"
DEFAULT_USER = "alice@example.com"
CREATED = "2026-01-02T03:04:05Z"

# resource -> (API group, kind of one item, kind of a list)
_RESOURCES = {
    "secrets": ("", "Secret", "SecretList"),
    "namespaces": ("", "Namespace", "NamespaceList"),
    "components": ("dapr.io", "Component", "ComponentList"),
    "configurations": ("dapr.io", "Configuration", "ConfigurationList"),
    "httpendpoints": ("dapr.io", "HTTPEndpoint", "HTTPEndpointList"),
    "mcpservers": ("dapr.io", "MCPServer", "MCPServerList"),
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    response_bytes: int
    body: bytes | None  # None when the cluster was told not to keep bodies (benchmarks)

    def json(self) -> dict:
        assert self.body is not None, "response bodies were not recorded"
        return json.loads(self.body)


@dataclass(frozen=True)
class Route:
    verb: str  # "get" or "list"
    resource: str
    namespace: str | None  # None: cluster scope (all namespaces, or namespaces themselves)
    name: str | None


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str, details: Mapping | None = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details

    def status(self) -> dict:
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure"}
        body |= {"message": self.message, "reason": self.reason}
        if self.details is not None:
            body["details"] = dict(self.details)
        return body | {"code": self.code}


@dataclass
class FakeKubeCluster:
    """The cluster's state and the server that exposes it. Use `with FakeKubeCluster(ca) as cluster:`."""

    ca: TestCA
    tokens: dict[str, str] = field(default_factory=lambda: {DEFAULT_TOKEN: DEFAULT_USER})  # token -> user
    record_bodies: bool = True
    delay: float = 0.0  # seconds to wait before answering (timeout tests)
    dapr_installed: bool = True  # False: the dapr.io CRDs are absent (their URLs are 404)
    absent_resources: set = field(default_factory=set)  # e.g. {"mcpservers"}: a CRD this Dapr lacks (404)
    kubeconfig: Path | None = None  # set by the test fixture that wrote one
    objects: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)  # resource -> ns -> name -> obj
    namespaces: set[str] = field(default_factory=lambda: {"default"})
    requests: list[RecordedRequest] = field(default_factory=list)
    _denied: set[tuple[str, str, str | None]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _resource_version: int = 100

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeKubeCluster:
        cluster = self

        class Handler(_Handler):
            owner = cluster

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.socket = self.ca.server_context().wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-kube", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the cluster first"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # --- seeding -------------------------------------------------------------------------------

    def add_namespace(self, name: str) -> None:
        self.namespaces.add(name)

    def add_secret(
        self,
        namespace: str,
        name: str,
        data: Mapping[str, str | bytes] | None = None,
        *,
        type: str = "Opaque",
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        updated: str | None = None,
    ) -> None:
        """`data` values are plain text or bytes; the server stores them base64-encoded, as Kubernetes does.
        Like an API server, it records who wrote which fields when (managedFields: field names and
        times, never values): the creation, and an update at `updated` when given."""
        encoded = {key: base64.b64encode(_bytes(value)).decode() for key, value in (data or {}).items()}
        metadata = self._metadata(namespace, name, labels, annotations)
        fields = {"f:data": {f"f:{key}": {} for key in encoded}, "f:type": {}}
        metadata["managedFields"] = [
            {"manager": "kubectl-create", "operation": "Update", "apiVersion": "v1", "time": CREATED,
             "fieldsType": "FieldsV1", "fieldsV1": fields},
        ] + ([{"manager": "kubectl-edit", "operation": "Update", "apiVersion": "v1", "time": updated,
               "fieldsType": "FieldsV1", "fieldsV1": {"f:data": fields["f:data"]}}] if updated else [])
        secret = {
            "kind": "Secret",
            "apiVersion": "v1",
            "metadata": metadata,
        }
        secret["type"] = type
        if encoded:
            secret["data"] = encoded
        self._put("secrets", namespace, name, secret)

    def add_resource(self, manifest: Mapping) -> None:
        """A Dapr Component, Configuration, HTTPEndpoint or MCPServer manifest (as `kubectl apply` stores it)."""
        kind = manifest["kind"]
        resource = {
            "Component": "components", "Configuration": "configurations",
            "HTTPEndpoint": "httpendpoints", "MCPServer": "mcpservers",
        }[kind]
        metadata = manifest.get("metadata") or {}
        namespace = metadata.get("namespace") or "default"
        obj = json.loads(json.dumps(dict(manifest)))
        obj["metadata"] = self._metadata(
            namespace, metadata["name"], metadata.get("labels"), metadata.get("annotations")
        )
        self._put(resource, namespace, metadata["name"], obj)

    def deny(self, verb: str, resource: str, namespace: str | None = None) -> None:
        """RBAC: refuse `verb` on `resource` in `namespace` (None: everywhere, cluster scope included)."""
        self._denied.add((verb, resource, namespace))

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- kubeconfig ------------------------------------------------------------------------------

    def write_kubeconfig(
        self,
        path: Path,
        *,
        contexts: Mapping[str, str] | None = None,
        current: str | None = "test",
        namespace: str | None = None,
        server: str | None = None,
        trust: Path | None = None,
    ) -> Path:
        """A real kubeconfig for this server (CA inline): `contexts` maps each context name to the bearer
        token of its own user entry (default: one context `test` with the valid token). `trust`: another
        CA file to trust instead of this server's."""
        ca_data = base64.b64encode((trust or self.ca.ca_pem).read_bytes()).decode()
        contexts = contexts if contexts is not None else {"test": DEFAULT_TOKEN}
        context_entries, users = [], []
        for name, token in contexts.items():
            context: dict = {"cluster": "fake", "user": f"{name}-user"}
            if namespace:
                context["namespace"] = namespace
            context_entries.append({"name": name, "context": context})
            users.append({"name": f"{name}-user", "user": {"token": token}})
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": "fake", "cluster": {"server": server or self.url, "certificate-authority-data": ca_data}}
            ],
            "users": users,
            "contexts": context_entries,
        }
        if current:
            config["current-context"] = current
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config))
        return path

    # --- the API -----------------------------------------------------------------------------------

    def answer(self, method: str, raw_path: str, headers: Mapping[str, str]) -> tuple[int, str, bytes]:
        """(status, content type, body) for one request; errors are Status objects, as the API server sends."""
        try:
            if method != "GET":
                raise ApiError(405, "MethodNotAllowed", f"the fake API server is read-only: {method} is not allowed")
            user = self._authenticate(headers.get("authorization", ""))
            parts = urlsplit(raw_path)
            route = _route(parts.path)
            if _RESOURCES[route.resource][0] == "dapr.io" and (
                not self.dapr_installed or route.resource in self.absent_resources
            ):
                raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
            self._authorize(user, route)
            query = parse_qs(parts.query)
            accept = headers.get("accept", "")
            if route.name is None:
                body, media = self._list(route, query, accept)
            else:
                body, media = self._get(route, accept)
            return 200, media, json.dumps(body).encode()
        except ApiError as error:
            return error.code, "application/json", json.dumps(error.status()).encode()

    def _authenticate(self, authorization: str) -> str:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or token not in self.tokens:
            raise ApiError(401, "Unauthorized", "Unauthorized")
        return self.tokens[token]

    def _authorize(self, user: str, route: Route) -> None:
        if not any((route.verb, route.resource, ns) in self._denied for ns in (None, route.namespace)):
            return
        group = _RESOURCES[route.resource][0]
        qualified = f"{route.resource}.{group}" if group else route.resource
        subject = f'{qualified} "{route.name}"' if route.name else qualified
        where = f'in the namespace "{route.namespace}"' if route.namespace else "at the cluster scope"
        message = f'{subject} is forbidden: User "{user}" cannot {route.verb} resource "{route.resource}" in API group "{group}" {where}'
        details = (
            {"kind": route.resource}
            | ({"group": group} if group else {})
            | ({"name": route.name} if route.name else {})
        )
        raise ApiError(403, "Forbidden", message, details)

    def _get(self, route: Route, accept: str) -> tuple[dict, str]:
        assert route.name is not None
        if route.resource == "namespaces":
            if route.name not in self.namespaces:
                raise ApiError(
                    404, "NotFound", f'namespaces "{route.name}" not found', {"name": route.name, "kind": "namespaces"}
                )
            return _namespace_object(route.name), "application/json"
        obj = self.objects.get(route.resource, {}).get(route.namespace or "", {}).get(route.name)
        if obj is None:
            group = _RESOURCES[route.resource][0]
            qualified = f"{route.resource}.{group}" if group else route.resource
            details = {"name": route.name, "kind": route.resource} | ({"group": group} if group else {})
            raise ApiError(404, "NotFound", f'{qualified} "{route.name}" not found', details)
        if "as=PartialObjectMetadata;" in accept:
            return _partial(obj), METADATA_MEDIA
        return obj, "application/json"

    def _list(self, route: Route, query: Mapping[str, list[str]], accept: str) -> tuple[dict, str]:
        items = self._items(route)
        selector = _first(query, "labelSelector")
        if selector:
            matches = _selector(selector)
            items = [item for item in items if matches(item["metadata"].get("labels") or {})]
        items, list_metadata = _page(items, _first(query, "limit"), _first(query, "continue"), self._resource_version)
        group = _RESOURCES[route.resource][0]
        if not group:  # items of built-in list types carry no kind/apiVersion (custom resources do)
            items = [{k: v for k, v in item.items() if k not in ("kind", "apiVersion")} for item in items]
        apiversion = "dapr.io/v1alpha1" if group else "v1"
        if "as=PartialObjectMetadataList" in accept:
            return {
                "kind": "PartialObjectMetadataList",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": list_metadata,
                "items": [_partial(item) for item in items],
            }, METADATA_LIST_MEDIA
        return {
            "kind": _RESOURCES[route.resource][2],
            "apiVersion": apiversion,
            "metadata": list_metadata,
            "items": items,
        }, "application/json"

    def _items(self, route: Route) -> list[dict]:
        """Every object of the resource in etcd key order (namespace, then name)."""
        if route.resource == "namespaces":
            return [_namespace_object(name) for name in sorted(self.namespaces)]
        by_namespace = self.objects.get(route.resource, {})
        namespaces = [route.namespace] if route.namespace else sorted(by_namespace)
        return [by_namespace[ns][name] for ns in namespaces for name in sorted(by_namespace.get(ns, {}))]

    def _metadata(self, namespace: str, name: str, labels: Mapping | None, annotations: Mapping | None) -> dict:
        self._resource_version += 1
        metadata = {
            "name": name,
            "namespace": namespace,
            "uid": str(uuid.uuid4()),
            "resourceVersion": str(self._resource_version),
            "creationTimestamp": CREATED,
        }
        if labels:
            metadata["labels"] = dict(labels)
        if annotations:
            metadata["annotations"] = dict(annotations)
        return metadata

    def _put(self, resource: str, namespace: str, name: str, obj: dict) -> None:
        self.namespaces.add(namespace)
        self.objects.setdefault(resource, {}).setdefault(namespace, {})[name] = obj

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    owner: FakeKubeCluster
    protocol_version = "HTTP/1.1"  # keep-alive, as the real server; the client pools connections
    timeout = 10

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.owner.delay:
            time.sleep(self.owner.delay)
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, media, body = self.owner.answer(self.command, self.path, headers)
        parts = urlsplit(self.path)
        self.owner._record(
            RecordedRequest(
                method=self.command,
                path=unquote(parts.path),
                query=parse_qs(parts.query),
                headers=headers,
                status=status,
                response_bytes=len(body),
                body=body if self.owner.record_bodies else None,
            )
        )
        try:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # BrokenPipe, reset, TLS EOF
            pass  # the client gave up (a timeout test): nothing to answer

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


# --- routing and the list machinery ----------------------------------------------------------------

_PATTERNS = [
    (re.compile(r"^/api/v1/namespaces/?$"), "namespaces", False, False),
    (re.compile(r"^/api/v1/namespaces/(?P<name>[^/]+)$"), "namespaces", False, True),
    (re.compile(r"^/api/v1/(?P<resource>secrets)$"), None, False, False),
    (re.compile(r"^/api/v1/namespaces/(?P<ns>[^/]+)/(?P<resource>secrets)$"), None, True, False),
    (re.compile(r"^/api/v1/namespaces/(?P<ns>[^/]+)/(?P<resource>secrets)/(?P<name>[^/]+)$"), None, True, True),
    (re.compile(r"^/apis/dapr\.io/v1alpha1/(?P<resource>components|configurations|httpendpoints|mcpservers)$"), None, False, False),
    (
        re.compile(r"^/apis/dapr\.io/v1alpha1/namespaces/(?P<ns>[^/]+)/(?P<resource>components|configurations|httpendpoints|mcpservers)$"),
        None,
        True,
        False,
    ),
    (
        re.compile(
            r"^/apis/dapr\.io/v1alpha1/namespaces/(?P<ns>[^/]+)/(?P<resource>components|configurations|httpendpoints|mcpservers)/(?P<name>[^/]+)$"
        ),
        None,
        True,
        True,
    ),
]


def _route(raw_path: str) -> Route:
    # Match on the raw path: an encoded "/" (%2F) inside a name must not create a new segment.
    for pattern, resource, namespaced, named in _PATTERNS:
        match = pattern.match(raw_path)
        if match:
            groups = {key: unquote(value) for key, value in match.groupdict().items()}
            return Route(
                verb="get" if named else "list",
                resource=resource or groups["resource"],
                namespace=groups["ns"] if namespaced else None,
                name=groups.get("name") if named else None,
            )
    raise ApiError(404, "NotFound", "the server could not find the requested resource", {})


def _page(items: list[dict], limit: str | None, token: str | None, resource_version: int) -> tuple[list[dict], dict]:
    keys = [_key(item) for item in items]
    start = 0
    if token:
        try:
            start_after = json.loads(base64.urlsafe_b64decode(token.encode()))["start"]
        except (ValueError, KeyError, TypeError) as error:
            raise ApiError(400, "BadRequest", f"continue key is not valid: {error}") from error
        start = bisect.bisect_right(keys, start_after)
    metadata: dict = {"resourceVersion": str(resource_version)}
    if not limit or int(limit) <= 0:
        return items[start:], metadata
    end = start + int(limit)
    if end < len(items):
        # Like the real server: an opaque base64 token that remembers where the page ended.
        position = json.dumps({"v": "meta.k8s.io/v1", "rv": resource_version, "start": keys[end - 1]})
        metadata["continue"] = base64.urlsafe_b64encode(position.encode()).decode()
        metadata["remainingItemCount"] = len(items) - end
    return items[start:end], metadata


def _key(item: dict) -> str:
    metadata = item["metadata"]
    return f"{metadata.get('namespace', '')}/{metadata['name']}"


def _selector(text: str):
    """Equality- and existence-based label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma = and."""
    requirements = []
    for part in (p.strip() for p in text.split(",")):
        match = re.fullmatch(r"(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*))?", part)
        if not match:
            raise ApiError(400, "BadRequest", f"unable to parse requirement: invalid label selector {text!r}")
        requirements.append(match.groups())

    def matches(labels: Mapping[str, str]) -> bool:
        for negate, key, operator, value in requirements:
            if operator in ("=", "=="):
                ok = labels.get(key) == value
            elif operator == "!=":
                ok = labels.get(key) != value
            else:
                ok = (key in labels) != bool(negate)
            if not ok:
                return False
        return True

    return matches


def _partial(obj: dict) -> dict:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}


def _namespace_object(name: str) -> dict:
    metadata = {"name": name, "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), "creationTimestamp": CREATED}
    return {"kind": "Namespace", "apiVersion": "v1", "metadata": metadata, "status": {"phase": "Active"}}


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


# --- helpers for tests and benchmarks ------------------------------------------------------------


def seed_secrets(
    cluster: FakeKubeCluster, namespace: str, count: int, *, value_size: int = 16, prefix: str = "secret-"
) -> list[str]:
    """Add `count` Opaque secrets `<prefix>00000`... with one key `value` of `value_size` bytes; their names."""
    names = [f"{prefix}{index:05d}" for index in range(count)]
    filler = "x" * max(value_size - 6, 0)
    for index, name in enumerate(names):
        cluster.add_secret(
            namespace, name, {"value": f"{index:06d}{filler}"[:value_size]}, labels={"batch": str(index % 10)}
        )
    return names
