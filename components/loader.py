"""Load Component resources from folders exactly like daprd's self-hosted disk loader.

dapr-behaviour.md §1.1, §1.3, §1.4 (dapr:pkg/internal/loader/disk/disk.go, manifest.go): each folder
is listed in byte order without recursion, `.yaml`/`.yml` files are cut into documents at newline +
`---`, each document is decoded twice (type info, then the whole Component) the way
sigs.k8s.io/yaml + encoding/json do, and the result is filtered by NAMESPACE, duplicate names and
app-ID scopes. Everything daprd would log, refuse or silently skip becomes a Diagnostic.
"""

from __future__ import annotations

import datetime
import math
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dapr_secrets.components.golang import field_matcher, go_quote, parse_go_duration
from dapr_secrets.components.model import (
    Component,
    Diagnostic,
    MetadataItem,
    SecretKeyRef,
    Severity,
    Source,
)
from dapr_secrets.components.values import (
    YamlError,
    YamlList,
    YamlMap,
    go_string,
    parse_yaml,
    string_field,
)

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeGuard

API_VERSION = "dapr.io/v1alpha1"
KIND = "Component"
MAX_DOCUMENT_BYTES = 64 * 1024  # bufio.Scanner's default token limit, which daprd's loader keeps
_SEPARATOR = b"\n---"


@dataclass
class LoadResult:
    components: list[Component] = field(default_factory=list)  # what daprd would load, in its order
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # HTTPEndpoint and MCPServer resources, as Components of that kind: only their secretKeyRefs count
    other_resources: list[Component] = field(default_factory=list)


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
            [c for c in found if c.kind == kind], namespace or "", app_id, result.diagnostics, kubernetes=kubernetes
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
        type_info = _Decoder().decode(manifest, _TYPE_INFO)
    except _DecodeError as error:
        return None, [_decode_diagnostic(error, source)]
    api_version, kind = type_info.get("apiVersion", ""), type_info.get("kind", "")
    if api_version != API_VERSION or kind != KIND:
        return None, _ignored_document(api_version, kind, source)
    name = type_info.get("metadata", {}).get("name", "")
    problems = _path_segment_problems(name)
    if problems:
        return None, [_invalid_name(name, problems, source)]
    decoder = _Decoder()
    try:
        decoded = decoder.decode(manifest, _COMPONENT)
    except _DecodeError as error:
        return None, [_decode_diagnostic(error, source, name)]
    component = _build_component(decoded, source)
    return component, decoder.coercion_diagnostics(component) + _init_timeout_diagnostics(component)


# --- reading folders and files ----------------------------------------------------------------


def _load_folder(path: str, found: list[Component], diagnostics: list[Diagnostic]) -> None:
    try:
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda entry: os.fsencode(entry.name))
    except FileNotFoundError:
        diagnostics.append(_folder_error("resources-dir-missing", f"resources folder {path} does not exist", path))
        return
    except NotADirectoryError:
        diagnostics.append(_folder_error("resources-not-a-dir", f"resources path {path} is not a folder", path))
        return
    except OSError as error:
        message = f"resources folder {path} cannot be read: {error.strerror}"
        diagnostics.append(_folder_error("resources-dir-unreadable", message, path))
        return
    subfolders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):  # Go's DirEntry.IsDir: a symlink is not a folder
            subfolders.append(entry.name)
        elif not is_yaml_file(entry.name):
            diagnostics.append(_non_yaml(entry.path))
        else:
            _load_file(entry.path, found, diagnostics)
    if subfolders:
        diagnostics.append(_subfolders_ignored(path, subfolders))


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
        diagnostics.append(_scan_problem(kind, Source(path, problem_line)))


def _read_file(path: str, diagnostics: list[Diagnostic]) -> bytes | None:
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            diagnostics.append(_yaml_named_folder(path))
            return None
        if not stat.S_ISREG(mode):
            diagnostics.append(_special_file(path))
            return None
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        diagnostics.append(_unreadable(path, error))
        return None


def _load_document(document: bytes, source: Source, found: list[Component], diagnostics: list[Diagnostic]) -> None:
    try:
        manifest = parse_yaml(document, source.line or 1)
    except YamlError as error:
        diagnostics.append(_parse_error(error, source))
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
                line = _line_of(document, "secretKeyRef", getattr(document, "line", None))
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
                _line_of(value, index, getattr(pair, "line", None)),
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
) -> list[Component]:
    """disk.go filterManifests (namespace, duplicates) and the authorizer's scopes (app IDs), which
    daprd applies in Kubernetes mode too (authorizer.IsObjectAuthorized). In Kubernetes mode daprd
    gets one namespace's components from the operator, so a name is unique per namespace: the same
    name in two namespaces is not a duplicate."""
    kept: list[Component] = []
    names: dict[tuple[str, str], Component] = {}
    for component in found:
        if namespace and component.namespace and component.namespace != namespace:
            diagnostics.append(_other_namespace(component, namespace))
            continue
        # The duplicate check comes before the scope check, but only in-scope names are
        # remembered: a scoped-out first definition does not clash with an in-scope second one.
        identity = (component.namespace if kubernetes else "", component.name)
        if identity in names:
            diagnostics.append(_duplicate(component, names[identity]))
            continue
        if app_id is not None and component.scopes and app_id not in component.scopes:
            diagnostics.append(_scoped_out(component, app_id))
            continue
        names[identity] = component
        if not component.name:
            diagnostics.append(_empty_name(component))
            continue
        kept.append(component)
    return kept


# --- decoding the way sigs.k8s.io/yaml + encoding/json fill daprd's Go structs ---------------

STRING, BOOL, INT64, RAW, TIME, ANY = "string", "bool", "int64", "raw", "time", "any"


class _Struct:
    """A Go struct: JSON field name -> STRING, BOOL, ..., another _Struct, ("list", t) or ("map", t)."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        self.fields = fields
        self.field_for = field_matcher(fields)


_OWNER_REFERENCE = _Struct(
    {
        "apiVersion": STRING,
        "kind": STRING,
        "name": STRING,
        "uid": STRING,
        "controller": BOOL,
        "blockOwnerDeletion": BOOL,
    }
)
_MANAGED_FIELDS = _Struct(
    {"manager": STRING, "operation": STRING, "apiVersion": STRING, "time": TIME}
    | {"fieldsType": STRING, "fieldsV1": ANY, "subresource": STRING}
)
_OBJECT_META = _Struct(
    {"name": STRING, "generateName": STRING, "namespace": STRING, "selfLink": STRING, "uid": STRING}
    | {"resourceVersion": STRING, "generation": INT64, "creationTimestamp": TIME, "deletionTimestamp": TIME}
    | {"deletionGracePeriodSeconds": INT64, "labels": ("map", STRING), "annotations": ("map", STRING)}
    | {"ownerReferences": ("list", _OWNER_REFERENCE), "finalizers": ("list", STRING)}
    | {"managedFields": ("list", _MANAGED_FIELDS)}
)
_TYPE_INFO = _Struct({"apiVersion": STRING, "kind": STRING, "metadata": _OBJECT_META})
_NAME_VALUE = _Struct(
    {"name": STRING, "value": RAW, "secretKeyRef": _Struct({"name": STRING, "key": STRING}), "envRef": STRING}
)
_SPEC = _Struct(
    {"type": STRING, "version": STRING, "ignoreErrors": BOOL, "metadata": ("list", _NAME_VALUE), "initTimeout": STRING}
)
_COMPONENT = _Struct(
    dict(_TYPE_INFO.fields) | {"spec": _SPEC, "auth": _Struct({"secretStore": STRING}), "scopes": ("list", STRING)}
)

_EXPECTED = {
    STRING: ("a string", "write a plain text value"),
    BOOL: ("a boolean", "write true or false, without quotes"),
    INT64: ("a whole number", "write a whole number"),
    TIME: ("an RFC 3339 time such as 2024-01-02T15:04:05Z", "write an RFC 3339 time, or remove the field"),
    "list": ("a list", "write a YAML list, e.g. [app1, app2] or one '- item' per line"),
    "map": ("a mapping", "write a mapping of keys to values"),
}


class _DecodeError(Exception):
    def __init__(self, message: str, hint: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


class _Decoder:
    """Fills one Go struct from a parsed document the way sigs.k8s.io/yaml + encoding/json do:
    field names match case-insensitively, bools and numbers become text in string fields,
    `null` leaves a field alone (but empties lists and maps), unknown fields are ignored,
    any other type mismatch fails the whole document, and so does a NaN or infinity anywhere
    it is not turned into text. Structs decode to YamlMap and lists to YamlList, with lines."""

    def __init__(self) -> None:
        self.coerced: list[tuple[str, str | None, str | None, int | None]] = []  # path, written, seen, line

    def decode(self, manifest: object, struct: _Struct) -> YamlMap:
        if manifest is None:
            return YamlMap()
        if not isinstance(manifest, Mapping):
            raise _DecodeError(
                f"the document must be a mapping of fields, not {_describe(manifest)}",
                "start the document with apiVersion:, kind: and metadata: fields",
                getattr(manifest, "line", None),
            )
        return self._struct(manifest, struct, "", getattr(manifest, "line", None))

    def _value(self, value: object, kind: object, path: str, line: int | None, written: str | None) -> object:
        if isinstance(kind, _Struct):
            return self._struct(value, kind, path, line)
        if isinstance(kind, tuple):
            return (
                self._list(value, kind[1], path, line) if kind[0] == "list" else self._map(value, kind[1], path, line)
            )
        if kind in (RAW, ANY):
            _check_json(value, path, line)
            if kind == RAW and written is not None and go_string(value) != written:
                self.coerced.append((path, None, None, line))
            return value
        if kind == STRING and not isinstance(value, (Mapping, list)):
            text = string_field(value)
            if written is not None and text != written:
                self.coerced.append((path, written, text, line))
            return text
        if kind == BOOL and isinstance(value, bool):
            return value
        if kind == INT64 and _is_int64(value):
            return int(value)
        if kind == TIME and isinstance(value, str) and _is_rfc3339(value):
            return value
        _check_json(value, path, line)
        raise _type_error(kind, value, path, line)

    def _struct(self, value: object, struct: _Struct, path: str, line: int | None) -> YamlMap:
        if not isinstance(value, Mapping):
            _check_json(value, path, line)
            raise _type_error("map", value, path, line)
        result = YamlMap(getattr(value, "line", line))
        for key in sorted(value):  # the order encoding/json sees; a later case variant wins
            item, item_line, name = value[key], _line_of(value, key, line), struct.field_for(key)
            if name is None:
                _check_json(item, _join(path, key), item_line)
                continue
            kind = struct.fields[name]
            if item is None:
                if isinstance(kind, tuple):
                    result.pop(name, None)  # JSON null empties a list or map, leaves the rest alone
                continue
            written = getattr(value, "texts", {}).get(key)
            result[name] = self._value(item, kind, _join(path, name), item_line, written)
            result.lines[name] = item_line
        return result

    def _list(self, value: object, kind: object, path: str, line: int | None) -> YamlList:
        if not isinstance(value, list):
            _check_json(value, path, line)
            raise _type_error("list", value, path, line)
        result = YamlList(getattr(value, "line", line))
        for index, item in enumerate(value):
            item_line = _line_of(value, index, line)
            written = getattr(value, "texts", {}).get(index)
            result.append(
                _zero(kind) if item is None else self._value(item, kind, f"{path}[{index}]", item_line, written)
            )
            result.lines.append(item_line)
        return result

    def _map(self, value: object, kind: object, path: str, line: int | None) -> dict[str, object]:
        if not isinstance(value, Mapping):
            _check_json(value, path, line)
            raise _type_error("map", value, path, line)
        return {
            key: _zero(kind) if item is None else self._value(item, kind, _join(path, key), line, None)
            for key, item in value.items()
        }

    def coercion_diagnostics(self, component: Component) -> list[Diagnostic]:
        ordered = sorted(self.coerced, key=lambda note: note[3] or 0)  # by line
        return [_coerced(component, path, written, seen, line) for path, written, seen, line in ordered]


def _zero(kind: object) -> object:
    if isinstance(kind, _Struct):
        return YamlMap()
    return "" if kind == STRING else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _line_of(container: object, key: object, default: int | None) -> int | None:
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        line: int | None = lines.get(key, default)
        return line
    if isinstance(lines, list) and isinstance(key, int) and key < len(lines):
        line = lines[key]
        return line
    return default


def _is_int64(value: object) -> TypeGuard[int | float]:
    """A JSON number Go can put into an int64: integers, and floats Go prints without a fraction."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer() and abs(value) < 1e21):
        return False
    return -(1 << 63) <= int(value) < 1 << 63


def _is_rfc3339(text: str) -> bool:
    """metav1.Time accepts time.RFC3339 (fractional seconds allowed)."""
    try:
        parsed = datetime.datetime.fromisoformat(text)  # Python 3.11 reads "Z" too
    except ValueError:
        return False
    return len(text) >= 20 and text[10] == "T" and parsed.tzinfo is not None


def _check_json(value: object, path: str, line: int | None) -> None:
    """json.Marshal fails on NaN and infinities, which sigs.k8s.io/yaml hits before decoding."""
    if isinstance(value, float) and not math.isfinite(value):
        raise _DecodeError(
            f"{path or 'the document'} is {value!r}, which YAML reads as a special number that JSON cannot hold",
            "quote it if it is meant as text",
            line,
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_json(item, _join(path, key), _line_of(value, key, line))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]", _line_of(value, index, line))


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    return "a list"


def _type_error(kind: object, value: object, path: str, line: int | None) -> _DecodeError:
    expected, hint = _EXPECTED[kind if isinstance(kind, str) else "map"]
    return _DecodeError(f"{path or 'the document'} must be {expected}, not {_describe(value)}", hint, line)


# --- building the Component -------------------------------------------------------------------


def _build_component(decoded: YamlMap, source: Source) -> Component:
    metadata, spec = decoded.get("metadata", YamlMap()), decoded.get("spec", YamlMap())
    items = spec.get("metadata") or YamlList()
    return Component(
        name=metadata.get("name", ""),
        type=spec.get("type", ""),
        version=spec.get("version", ""),
        namespace=metadata.get("namespace", ""),
        metadata=tuple(_metadata_item(item, _line_of(items, index, source.line)) for index, item in enumerate(items)),
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


# --- diagnostics ------------------------------------------------------------------------------


def _diagnostic(severity: Severity, code: str, message: str, hint: str, source: Source, component: str | None = None) -> Diagnostic:
    return Diagnostic(severity, code, message, hint, source, component)


def _folder_error(code: str, message: str, path: str) -> Diagnostic:
    return _diagnostic(
        Severity.ERROR,
        code,
        f"{message}: daprd fails to start",
        "create the folder, or fix the --resources-path given to daprd",
        Source(path),
    )


def _non_yaml(path: str) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "non-yaml-file",
        f"A non-YAML Component file {os.path.basename(path)} was detected, it will not be loaded",
        "daprd reads only .yaml and .yml files: rename it if it holds a component, or move it out of the folder",
        Source(path),
    )


def _subfolders_ignored(path: str, names: list[str]) -> Diagnostic:
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return _diagnostic(
        Severity.INFO,
        "subfolders-ignored",
        f"daprd does not look into sub-folders of {path} ({shown})",
        "move component files up into the folder, or pass the sub-folder as another resources path",
        Source(path),
    )


def _unreadable(path: str, error: OSError) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "unreadable-file",
        f"daprd load Component error when opening file {path}: {error.strerror or error}; daprd skips it",
        "check the file's permissions, or remove a broken symbolic link",
        Source(path),
    )


def _yaml_named_folder(path: str) -> Diagnostic:
    return _diagnostic(
        Severity.ERROR,
        "yaml-named-folder",
        f"{os.path.basename(path)} links to a folder but is named like a YAML file: "
        "daprd's loader cannot read it and does not finish starting",
        "rename the link so it does not end in .yaml or .yml, or remove it",
        Source(path),
    )


def _special_file(path: str) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "special-file",
        f"{os.path.basename(path)} is not a regular file (a pipe, socket or device); not read here, "
        "and daprd may block reading it",
        "remove it from the resources folder",
        Source(path),
    )


def _scan_problem(kind: str, source: Source) -> Diagnostic:
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


def _parse_error(error: YamlError, source: Source) -> Diagnostic:
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


def _decode_diagnostic(error: _DecodeError, source: Source, name: str | None = None) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "decode-error",
        f"daprd cannot decode this document and skips it: {error.message}",
        error.hint,
        Source(source.file, error.line or source.line),
        name or None,
    )


def _ignored_document(api_version: str, kind: str, source: Source) -> list[Diagnostic]:
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


def _invalid_name(name: str, problems: list[str], source: Source) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "invalid-name",
        f"invalid name {go_quote(name)} for {go_quote(KIND)}: {'; '.join(problems)}; daprd skips this component",
        "use a name without '/' or '%' that is not '.' or '..'",
        source,
        name,
    )


def _coerced(component: Component, path: str, written: str | None, seen: str | None, line: int | None) -> Diagnostic:
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


def _init_timeout_diagnostics(component: Component) -> list[Diagnostic]:
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


def _other_namespace(component: Component, namespace: str) -> Diagnostic:
    return _diagnostic(
        Severity.INFO,
        "other-namespace",
        f"component {component.name} is in namespace {component.namespace}; daprd with NAMESPACE={namespace} skips it",
        "remove metadata.namespace, or run with the namespace it names",
        component.source,
        component.name,
    )


def _duplicate(component: Component, existing: Component) -> Diagnostic:
    return _diagnostic(
        Severity.ERROR,
        "duplicate-name",
        f"duplicate definition of {component.kind} name {component.label()} with existing {existing.label()}: "
        "daprd refuses to start",
        f"rename one of them; the first is defined at {existing.source}",
        component.source,
        component.name,
    )


def _scoped_out(component: Component, app_id: str) -> Diagnostic:
    what = "component" if component.kind == KIND else component.kind
    return _diagnostic(
        Severity.INFO,
        "scoped-out",
        f"{what} {component.name} is scoped to {', '.join(component.scopes)}; app {app_id} does not load it",
        f"add {app_id} to its scopes if this app needs it",
        component.source,
        component.name,
    )


def _empty_name(component: Component) -> Diagnostic:
    return _diagnostic(
        Severity.WARNING,
        "empty-name",
        f"this {component.type or 'component'} has no metadata.name: daprd skips it without a word",
        "give it a metadata.name",
        component.source,
    )
