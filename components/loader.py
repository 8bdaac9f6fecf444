"""Load Component resources from folders exactly like daprd's self-hosted disk loader.

dapr-behaviour.md §1.1, §1.3, §1.4 (dapr:pkg/internal/loader/disk/disk.go, manifest.go): each folder
is listed in byte order without recursion, `.yaml`/`.yml` files are cut into documents at newline +
`---`, each document is decoded twice (type info, then the whole Component) the way
sigs.k8s.io/yaml + encoding/json do, and the result is filtered by NAMESPACE, duplicate names and
app-ID scopes. Everything daprd would log, refuse or silently skip becomes a Diagnostic.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence

from dapr_secrets.components import loader_diagnostics as diagnose
from dapr_secrets.components.gostructs import API_VERSION, COMPONENT, KIND, TYPE_INFO, DecodeError, Decoder, line_of
from dapr_secrets.components.model import (
    Component,
    Diagnostic,
    MetadataItem,
    SecretKeyRef,
    Source,
)
from dapr_secrets.components.record import MutableRecord
from dapr_secrets.components.values import (
    YamlError,
    YamlList,
    YamlMap,
    go_string,
    parse_yaml,
)

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_DOCUMENT_BYTES = 64 * 1024  # bufio.Scanner's default token limit, which daprd's loader keeps
_SEPARATOR = b"\n---"


class LoadResult(MutableRecord):
    __match_args__ = ("components", "diagnostics", "other_resources", "scoped_out")

    def __init__(self, components: list[Component] | None = None, diagnostics: list[Diagnostic] | None = None,
                 other_resources: list[Component] | None = None, scoped_out: list[Component] | None = None) -> None:
        # None: a new list each, as field(default_factory=list) gave
        self.components: list[Component] = [] if components is None else components  # what daprd would load, in its order
        self.diagnostics: list[Diagnostic] = [] if diagnostics is None else diagnostics
        # HTTPEndpoint and MCPServer resources, as Components of that kind: only their secretKeyRefs count
        self.other_resources: list[Component] = [] if other_resources is None else other_resources
        # resources whose scopes leave the app out: daprd does not load them, the UI still shows them
        self.scoped_out: list[Component] = [] if scoped_out is None else scoped_out


def load_resources(
    paths: Sequence[str], *, namespace: str | None = None, app_id: str | None = None, kubernetes: bool = False
) -> LoadResult:
    """Read every resources folder like daprd (`--resources-path`, repeatable).

    `namespace` is daprd's NAMESPACE (None or "" = no namespace filtering); `app_id` its app ID
    (None = unknown: keep every component, scopes stay on the component); `kubernetes` for
    Kubernetes-mode rules (names are unique per namespace). Never raises.
    """
    result = LoadResult()
    found: list[Component] = []
    for path in paths:
        _load_folder(os.path.expanduser(path), found, result.diagnostics)
    for kind in (KIND, *SECRET_USING_KINDS):
        kept = filter_components(
            [c for c in found if c.kind == kind], namespace or "", app_id, result.diagnostics, kubernetes=kubernetes,
            scoped_out=result.scoped_out,
        )
        if kind == KIND:
            result.components = kept
        else:
            result.other_resources += kept
    return result


def is_yaml_file(name: str) -> bool:
    """kit's IsYaml: the text from the last dot, lower-cased, is .yaml or .yml (so `.yaml` counts)."""
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in (".yaml", ".yml")


def split_documents(data: bytes) -> tuple[list[tuple[int, bytes]], tuple[str, int] | None]:
    """Cut a file into documents exactly like daprd's bufio.Scanner with splitYamlDoc.

    Returns [(byte offset, document)] and the problem that stopped the scan, if any:
    ("too-long", offset) when a document plus its separator line exceeds 64 KiB, or
    ("dropped", offset) when the file ends on a `---` line without a line break, which makes
    the scanner drop everything from that offset.
    """
    documents: list[tuple[int, bytes]] = []
    start, size = 0, len(data)
    while start < size:
        end = min(size, start + MAX_DOCUMENT_BYTES)
        at_eof = size - start < MAX_DOCUMENT_BYTES  # the scanner's buffer still has room to see EOF
        separator = data.find(_SEPARATOR, start, end)
        if separator < 0:
            if not at_eof:
                return documents, ("too-long", start)
            documents.append((start, data[start:]))
            break
        after = separator + len(_SEPARATOR)
        if after == end and at_eof:
            documents.append((start, data[start:separator]))
            break
        newline = data.find(b"\n", after, end)
        if newline < 0:
            return documents, ("dropped" if at_eof else "too-long", start)
        documents.append((start, data[start:separator]))
        start = newline + 1
    return documents, None


def component_from_manifest(manifest: object, source: Source) -> tuple[Component | None, list[Diagnostic]]:
    """Build a Component from one parsed manifest (a YAML document, or a JSON object from the
    Kubernetes API), or say why daprd would skip it. None without diagnostics for documents the
    component loader silently ignores (other kinds, empty documents)."""
    source = Source(source.file, getattr(manifest, "line", None) or source.line)
    try:
        type_info = Decoder().decode(manifest, TYPE_INFO)
    except DecodeError as error:
        return None, [diagnose.decode_diagnostic(error, source)]
    api_version, kind = type_info.get("apiVersion", ""), type_info.get("kind", "")
    if api_version != API_VERSION or kind != KIND:
        return None, diagnose.ignored_document(api_version, kind, source)
    name = type_info.get("metadata", {}).get("name", "")
    problems = _path_segment_problems(name)
    if problems:
        return None, [diagnose.invalid_name(name, problems, source)]
    decoder = Decoder()
    try:
        decoded = decoder.decode(manifest, COMPONENT)
    except DecodeError as error:
        return None, [diagnose.decode_diagnostic(error, source, name)]
    component = _build_component(decoded, source)
    return component, _coercion_diagnostics(decoder, component) + diagnose.init_timeout_diagnostics(component)


# --- reading folders and files ----------------------------------------------------------------


def _load_folder(path: str, found: list[Component], diagnostics: list[Diagnostic]) -> None:
    try:
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda entry: os.fsencode(entry.name))
    except FileNotFoundError:
        diagnostics.append(diagnose.folder_error("resources-dir-missing", f"resources folder {path} does not exist", path))
        return
    except NotADirectoryError:
        diagnostics.append(diagnose.folder_error("resources-not-a-dir", f"resources path {path} is not a folder", path))
        return
    except OSError as error:
        message = f"resources folder {path} cannot be read: {error.strerror}"
        diagnostics.append(diagnose.folder_error("resources-dir-unreadable", message, path))
        return
    subfolders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):  # Go's DirEntry.IsDir: a symlink is not a folder
            subfolders.append(entry.name)
        elif not is_yaml_file(entry.name):
            diagnostics.append(diagnose.non_yaml(entry.path))
        else:
            _load_file(entry.path, found, diagnostics)
    if subfolders:
        diagnostics.append(diagnose.subfolders_ignored(path, subfolders))


def _load_file(path: str, found: list[Component], diagnostics: list[Diagnostic]) -> None:
    data = _read_file(path, diagnostics)
    if data is None:
        return
    documents, problem = split_documents(data)
    line, counted = 1, 0
    for offset, document in documents:
        line += data.count(b"\n", counted, offset)
        counted = offset
        _load_document(document, Source(path, line), found, diagnostics)
    if problem is not None:
        kind, offset = problem
        problem_line = 1 + data.count(b"\n", 0, offset)
        diagnostics.append(diagnose.scan_problem(kind, Source(path, problem_line)))


def _read_file(path: str, diagnostics: list[Diagnostic]) -> bytes | None:
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            diagnostics.append(diagnose.yaml_named_folder(path))
            return None
        if not stat.S_ISREG(mode):
            diagnostics.append(diagnose.special_file(path))
            return None
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        diagnostics.append(diagnose.unreadable(path, error))
        return None


def _load_document(document: bytes, source: Source, found: list[Component], diagnostics: list[Diagnostic]) -> None:
    try:
        manifest = parse_yaml(document, source.line or 1)
    except YamlError as error:
        diagnostics.append(diagnose.parse_error(error, source))
        return
    resource = secret_using_resource(manifest, source)
    if resource is not None:
        found.append(resource)
        return
    component, problems = component_from_manifest(manifest, source)
    diagnostics.extend(problems)
    if component is not None:
        found.append(component)


# --- HTTPEndpoint and MCPServer: other resources whose secretKeyRefs daprd resolves ---------------

SECRET_USING_KINDS = ("HTTPEndpoint", "MCPServer")


def secret_using_resource(manifest: object, source: Source) -> Component | None:
    """An HTTPEndpoint or MCPServer (dapr.io/v1alpha1) as a Component of that kind whose metadata are
    the items daprd passes to its secret processor, or None for any other document.

    dapr:pkg/runtime/processor/httpendpoints.go processHTTPEndpointSecrets resolves spec.headers, then
    spec.clientTLS rootCA / certificate / privateKey (items "root", "clientCert", "clientKey"), with
    auth.secretStore. mcpservers.go ProcessMCPServerSecrets resolves the headers of
    spec.endpoint.streamableHTTP (else sse) and spec.endpoint.stdio.env, with that transport's
    auth.secretStore (MCPServer.GetSecretStore). auth.oauth2.secretKeyRef is not resolved there (the
    MCP worker reads it when it connects), so it is not listed. Pieces of the wrong shape are skipped:
    this tool only lists references, it does not judge these resources."""
    if not isinstance(manifest, Mapping) or manifest.get("apiVersion") != API_VERSION:
        return None
    kind = manifest.get("kind")
    if kind not in SECRET_USING_KINDS:
        return None
    metadata, spec = _mapping(manifest.get("metadata")), _mapping(manifest.get("spec"))
    name = metadata.get("name")
    if not isinstance(name, str) or not name or _path_segment_problems(name):
        return None  # daprd skips it (invalid or empty name); no reference of it is ever resolved
    if kind == "HTTPEndpoint":
        items = _name_value_items(spec.get("headers"), "headers")
        tls = _mapping(spec.get("clientTLS"))
        for field_name in ("rootCA", "certificate", "privateKey"):
            document = _mapping(tls.get(field_name))
            ref = _secret_key_ref(document.get("secretKeyRef"))
            if ref is not None:
                line = line_of(document, "secretKeyRef", getattr(document, "line", None))
                items.append(MetadataItem(f"clientTLS.{field_name}", None, ref, None, line))
        store = _mapping(manifest.get("auth")).get("secretStore")
    else:
        endpoint = _mapping(spec.get("endpoint"))
        transport_name = next((t for t in ("streamableHTTP", "sse") if _mapping(endpoint.get(t))), None)
        transport = _mapping(endpoint.get(transport_name)) if transport_name else {}
        items = _name_value_items(transport.get("headers"), f"endpoint.{transport_name}.headers")
        items += _name_value_items(_mapping(endpoint.get("stdio")).get("env"), "endpoint.stdio.env")
        store = _mapping(transport.get("auth")).get("secretStore")
    scopes = manifest.get("scopes")
    namespace = metadata.get("namespace")
    return Component(
        name=name,
        type="",
        namespace=namespace if isinstance(namespace, str) else "",
        metadata=tuple(items),
        auth_secret_store=store if isinstance(store, str) else "",
        scopes=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else (),
        source=Source(source.file, getattr(manifest, "line", None) or source.line),
        kind=kind,
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _secret_key_ref(value: object) -> SecretKeyRef | None:
    ref = _mapping(value)
    name, key = ref.get("name"), ref.get("key")
    if not isinstance(name, str) or not name:
        return None  # ProcessResource skips a ref without a name
    return SecretKeyRef(name, key if isinstance(key, str) else "")


def _name_value_items(value: object, path: str) -> list[MetadataItem]:
    """common.NameValuePair items that hold a secretKeyRef, named `path[name]`."""
    items = []
    for index, item in enumerate(value if isinstance(value, list) else ()):
        pair = _mapping(item)
        ref = _secret_key_ref(pair.get("secretKeyRef"))
        if ref is None:
            continue
        field_name = pair.get("name") if isinstance(pair.get("name"), str) else str(index)
        env_ref = pair.get("envRef") if isinstance(pair.get("envRef"), str) else None
        raw = pair.get("value")
        items.append(
            MetadataItem(
                f"{path}[{field_name}]",
                None if raw is None else go_string(raw),
                ref,
                env_ref or None,
                line_of(value, index, getattr(pair, "line", None)),
            )
        )
    return items


# --- filtering: namespace, duplicates, scopes (disk.go filterManifests) ------------------------


def filter_components(
    found: list[Component],
    namespace: str,
    app_id: str | None,
    diagnostics: list[Diagnostic],
    *,
    kubernetes: bool = False,
    scoped_out: list[Component] | None = None,
) -> list[Component]:
    """disk.go filterManifests (namespace, duplicates) and the authorizer's scopes (app IDs), which
    daprd applies in Kubernetes mode too (authorizer.IsObjectAuthorized). In Kubernetes mode daprd
    gets one namespace's components from the operator, so a name is unique per namespace: the same
    name in two namespaces is not a duplicate. Components the app's scopes leave out are appended
    to `scoped_out` when given."""
    kept: list[Component] = []
    names: dict[tuple[str, str], Component] = {}
    for component in found:
        if namespace and component.namespace and component.namespace != namespace:
            diagnostics.append(diagnose.other_namespace(component, namespace))
            continue
        # The duplicate check comes before the scope check, but only in-scope names are
        # remembered: a scoped-out first definition does not clash with an in-scope second one.
        identity = (component.namespace if kubernetes else "", component.name)
        if identity in names:
            diagnostics.append(diagnose.duplicate(component, names[identity]))
            continue
        if app_id is not None and component.scopes and app_id not in component.scopes:
            diagnostics.append(diagnose.scoped_out(component, app_id))
            if scoped_out is not None:
                scoped_out.append(component)
            continue
        names[identity] = component
        if not component.name:
            diagnostics.append(diagnose.empty_name(component))
            continue
        kept.append(component)
    return kept


# --- building the Component -------------------------------------------------------------------


def _build_component(decoded: YamlMap, source: Source) -> Component:
    metadata, spec = decoded.get("metadata", YamlMap()), decoded.get("spec", YamlMap())
    items = spec.get("metadata") or YamlList()
    return Component(
        name=metadata.get("name", ""),
        type=spec.get("type", ""),
        version=spec.get("version", ""),
        namespace=metadata.get("namespace", ""),
        metadata=tuple(_metadata_item(item, line_of(items, index, source.line)) for index, item in enumerate(items)),
        auth_secret_store=decoded.get("auth", {}).get("secretStore", ""),
        scopes=tuple(decoded.get("scopes") or ()),
        init_timeout=spec.get("initTimeout", ""),
        ignore_errors=spec.get("ignoreErrors", False),
        source=source,
    )


def _metadata_item(item: Mapping[str, Any], line: int | None) -> MetadataItem:
    ref = item.get("secretKeyRef", {})
    return MetadataItem(
        name=item.get("name", ""),
        value=go_string(item.get("value")),
        secret_key_ref=SecretKeyRef(ref["name"], ref.get("key", "")) if ref.get("name") else None,
        env_ref=item.get("envRef") or None,
        line=line,
    )


def _path_segment_problems(name: str) -> list[str]:
    """k8s path.IsValidPathSegmentName, which daprd applies to metadata.name."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{char}'" for char in ("/", "%") if char in name]


def _coercion_diagnostics(decoder: Decoder, component: Component) -> list[Diagnostic]:
    """What YAML 1.1 changed on the way into string fields, in line order."""
    ordered = sorted(decoder.coerced, key=lambda note: note[3] or 0)
    return [diagnose.coerced(component, path, written, seen, line) for path, written, seen, line in ordered]
