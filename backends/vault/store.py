"""`secretstores.hashicorp.vault`: reads Vault exactly the way Dapr's component does (dapr-behaviour.md §3.4).

Dapr speaks KV v2 over plain HTTP: `GET {vaultAddr}/v1/{enginePath}/data/{prefix}/{name}?version=N` for one
secret, and recursive `LIST {vaultAddr}/v1/{enginePath}/metadata/{prefix}/{folder}` for bulk. We send the
same requests through hvac's RawAdapter (so the raw body is ours to read, as Dapr reads it), with an
explicit TLS context built from the component's CA settings and a timeout on every call.

Beyond Dapr: `list_names` (one LIST per folder, no values), `describe` (KV v2 metadata), `diagnostics`
(KV v1 mounts, prefixes hiding secrets, values Dapr cannot decode), and the user's own token when the
component has none (`--vault-token-from-env`).

Over 500 lines on purpose: one class whose Dapr reads, browsing and doctor checks share the same
request, mount-detection and error-hint helpers; the other jobs live in settings, connection, decoding.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

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
    StoreUnreachable,
)
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup
from dapr_secrets.backends.vault import TOKEN_FROM_ENV
from dapr_secrets.backends.vault.connection import http_adapter, tls_settings, transport_error
from dapr_secrets.backends.vault.decoding import (
    NON_STRING_HINT,
    decode_map,
    deleted_latest_notes,
    describe_kinds,
    error_body,
    json_object,
    jsoniter_text,
    kv_versions,
    list_failure,
    list_keys,
    metadata_attributes,
    metadata_last_changed,
    no_engine,
    non_string_kinds,
)
from dapr_secrets.backends.vault.settings import DEFAULT_ADDRESS, DEFAULT_ENGINE_PATH, kv_prefix, prop, value_type
from dapr_secrets.components.files import read_regular_file
from dapr_secrets.components.golang import FALSY, go_file_error, is_truthy
from dapr_secrets.components.model import Diagnostic, Severity

BULK_WORKERS = 16  # concurrent value reads in bulk_get / diagnostics (Dapr reads one at a time)
DIAGNOSTIC_SAMPLE = 50  # secrets whose values diagnostics() checks
DIAGNOSTIC_FOLDERS = 20  # LIST calls diagnostics() may make while collecting that sample
OWN_TOKEN_FILE = ".vault-token"  # in the user's home, as the Vault CLI writes it
RECENT_READ = 5.0  # seconds describe() trusts what the last GET saw, instead of reading the value again

_T = TypeVar("_T")



@dataclass(frozen=True)
class _Missing:
    """A read Vault answered with 404: Dapr's GET fails with "not exist", its bulk skips the secret."""

    no_engine: bool  # Vault has no secrets engine mounted at enginePath at all


@dataclass(frozen=True)
class _Mount:
    """What `sys/internal/ui/mounts/<enginePath>` says about the mount Dapr will read."""

    type: str  # "kv", "generic", "cubbyhole", ...
    version: str  # "2" for KV v2, "1" otherwise

    @property
    def is_kv_v1(self) -> bool:
        return self.type in ("kv", "generic") and self.version != "2"


class VaultStore(SecretStore):
    hierarchical = True
    timeout: float = DEFAULT_TIMEOUT  # seconds per HTTP call; Dapr has none (tests shorten it)

    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        """Dapr's Init, in its order: metadata decoding, value type, token, prefix, TLS. No network."""
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate:
            raise duplicate
        self.address = prop(properties, "vaultAddr") or DEFAULT_ADDRESS
        self.engine_path = prop(properties, "enginePath") or DEFAULT_ENGINE_PATH
        self.value_type = value_type(prop(properties, "vaultValueType"))
        # Dapr's MULTIPLE_KEY_VALUES_PER_SECRET feature depends on the value type, so it is per store here.
        self.multi_valued = self.value_type == "map"  # type: ignore[misc]
        self._dapr_init_error = ""  # what daprd's Init says when we run on the user's own token
        token, self._token_source = self._token(properties)
        self.prefix = kv_prefix(properties)
        ssl_context, server_name = tls_settings(properties, context.cwd)
        self._adapter = http_adapter(self.address, token, ssl_context, server_name, BULK_WORKERS)
        self._mount_cache: _Mount | None = None
        self._mount_checked = False
        # What the last GET of a latest version saw: (name, when, key -> Go kind of each non-string
        # value). Key names and kinds only, never a value.
        self._last_kinds: tuple[str, float, dict[str, str]] | None = None

    # --- Dapr's GetSecret / BulkGetSecret ---------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        version = metadata.get("version_id", "0")  # present but empty is passed on as ""
        data = self._read(name, version, remember=version == "0")
        if isinstance(data, _Missing):
            raise self._not_found(name, version, data)
        return data

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """Dapr lists every folder first, then reads each secret, skipping 404s; any other error fails
        the whole bulk. We read concurrently but report exactly what the sequential loop would."""
        version = metadata.get("version_id", "0")  # present but empty is passed on as ""
        names = self._list_recursive("")
        results = self._in_order(lambda secret: self._read(secret, version), names)
        return {
            name: dict(data or {}) for name, data in zip(names, results, strict=True) if not isinstance(data, _Missing)
        }

    # --- Browsing --------------------------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        """One LIST of `folder` (relative to the prefix); folders end in "/". No value is read."""
        if folder and not folder.endswith("/"):
            folder += "/"
        kv_v1 = self._known_kv_v1()
        response = self._list_response(self._list_path(folder, kv_v1=kv_v1))
        if response.status_code == 404 and not folder and not kv_v1 and self._mount_is_kv_v1():
            kv_v1 = True
            response = self._list_response(self._list_path(folder, kv_v1=True))
        if response.status_code == 404 and not folder:
            # listKeysUnderPath: Dapr's bulk starts with this LIST and fails on its 404, so an empty
            # prefix is an error, not an empty store: say what bulk would.
            path = self._list_path("")
            raise StoreError(list_failure(response), self._empty_list_hint(path, "", response))
        keys = None if response.status_code == 404 else list_keys(response)
        if not keys:
            return
        note = "KV v1 mount: Dapr cannot read it" if kv_v1 else ""
        yield [
            SecretEntry(folder + key, is_folder=key.endswith("/"), note="" if key.endswith("/") else note)
            for key in keys
        ]

    def describe(self, name: str) -> SecretDetails:
        path = self._kv_path("metadata", name)
        response = self._request("GET", path)
        if response.status_code == 404:
            if self._mount_is_kv_v1():
                return SecretDetails(notes=(self._kv_v1_explanation(self._get_request(name)),))
            raise self._not_found(name, "0", _Missing(no_engine(response)))
        if response.status_code != 200:
            raise self._status_error(
                f"couldn't read the metadata of {name}, status code {response.status_code}, "
                f"body {error_body(response)}",
                response,
                f"read on {path.removeprefix('/v1/')}",
            )
        meta = json_object(response.text).get("data") or {}
        versions = kv_versions(meta)
        notes = list(deleted_latest_notes(versions, meta))
        if self.value_type == "map" and not notes:
            notes += self._non_string_notes(name)
        return SecretDetails(attributes=metadata_attributes(meta), versions=versions, notes=tuple(notes),
                             last_changed=metadata_last_changed(meta))

    def last_changed(self, name: str) -> LastChanged | None:
        # The metadata alone (describe may also read the value, for its map-mode notes).
        response = self._request("GET", self._kv_path("metadata", name))
        if response.status_code != 200:
            return self.describe(name).last_changed  # its errors say why
        return metadata_last_changed(json_object(response.text).get("data") or {})

    def diagnostics(self) -> list[Diagnostic]:
        findings = self._setting_findings()
        try:
            findings += self._content_findings()
        except StoreError as error:
            findings.append(self._finding(Severity.ERROR, f"vault-{error.kind}", error.message, error.hint))
        return findings

    def identity(self) -> str:
        return self._token_source

    def close(self) -> None:
        self._adapter.close()

    # --- Init helpers ----------------------------------------------------------------------------

    def _token(self, properties: Mapping[str, str]) -> tuple[str, str]:
        """Dapr's initVaultToken, then (only if the user opted in) their own Vault CLI token."""
        token = prop(properties, "vaultToken")
        mount_path = prop(properties, "vaultTokenMountPath")
        if token and mount_path:
            raise StoreMisconfigured(
                "token mount path and token both set", "keep only one of vaultToken and vaultTokenMountPath"
            )
        if token:
            return token, "token from vaultToken"
        if mount_path:
            try:
                raw = read_regular_file(str(Path(self.context.cwd, mount_path)))
                return raw.strip().decode("utf-8", "surrogateescape"), f"token from vaultTokenMountPath {mount_path}"
            except OSError as error:
                failure = (
                    f"couldn't read vault token from mount path {mount_path} err: {go_file_error(mount_path, error)}"
                )
        else:
            failure = "token mount path and token not set"
        own = self._own_token() if self.context.options.get(TOKEN_FROM_ENV.name) else None
        if own is None:
            raise StoreMisconfigured(
                failure,
                "set vaultToken or vaultTokenMountPath in the component, or start dapr-secrets with "
                "--vault-token-from-env to browse with your own Vault token",
            )
        self._dapr_init_error = failure
        return own

    def _own_token(self) -> tuple[str, str] | None:
        token = self.context.env.get("VAULT_TOKEN", "").strip()
        if token:
            return token, "your own Vault token (VAULT_TOKEN), not the component's"
        try:
            token = read_regular_file(str(Path.home() / OWN_TOKEN_FILE)).decode("utf-8", "surrogateescape").strip()
        except (OSError, RuntimeError):
            return None
        return (token, f"your own Vault token (~/{OWN_TOKEN_FILE}), not the component's") if token else None

    # --- Requests --------------------------------------------------------------------------------

    def _kv_path(self, kind: str, name: str) -> str:
        """Dapr's KV v2 path: /v1/{enginePath}/{data|metadata}/{prefix}/{name}, name inserted unescaped."""
        prefix = f"{self.prefix}/" if self.prefix else ""
        return f"/v1/{self.engine_path}/{kind}/{prefix}{name}"

    def _list_path(self, folder: str, kv_v1: bool = False) -> str:
        if kv_v1:  # KV v1 has no metadata/ segment: we browse it, Dapr cannot
            prefix = f"{self.prefix}/" if self.prefix else ""
            return f"/v1/{self.engine_path}/{prefix}{folder}"
        return self._kv_path("metadata", folder)

    def _request(self, method: str, path: str) -> Any:
        """One HTTP call to Vault (a requests.Response); transport failures become typed errors."""
        try:
            return self._adapter.request(method, path, raise_exception=False, timeout=self.timeout)
        except Exception as error:  # noqa: BLE001 - mapped to typed errors whose text never holds the token
            failure = transport_error(error, self.address, self.timeout, method, path)
        raise failure  # outside the except block: requests' own message (it may quote the token) is not chained

    def _read(self, name: str, version: str, remember: bool = False) -> dict[str, str] | None | _Missing:
        """Dapr's getSecret: the secret's map, None for a null data.data, _Missing on 404.
        `remember`: keep which values map mode cannot decode, for describe() right after."""
        path = f"{self._kv_path('data', name)}?version={version}"
        response = self._request("GET", path)
        if response.status_code == 404:
            return _Missing(no_engine(response))
        if response.status_code != 200:
            raise self._status_error(
                f"couldn't get successful response, status code {response.status_code}, body {error_body(response)}",
                response,
                f"read on {path.removeprefix('/v1/').partition('?')[0]}",
            )
        if self.value_type == "text":
            return {name: jsoniter_text(response.text, ("data", "data"))}
        try:
            data = decode_map(response.text)
        except StoreError:
            if remember:
                self._last_kinds = (name, time.monotonic(), non_string_kinds(response.text))
            raise
        if remember:
            self._last_kinds = (name, time.monotonic(), {})
        return data

    def _list_response(self, path: str) -> Any:
        """One LIST answered 200 or 404 (an empty or missing folder); other answers raise."""
        response = self._request("LIST", path)
        if response.status_code not in (200, 404):
            raise self._status_error(list_failure(response), response, f"list on {path.removeprefix('/v1/')}")
        return response

    def _list(self, path: str) -> list[str] | None:
        """The keys of one folder; None when it is empty or missing."""
        response = self._list_response(path)
        return None if response.status_code == 404 else list_keys(response)

    def _list_recursive(self, folder: str) -> list[str]:
        """Dapr's listKeysUnderPath: depth first, folders expanded in place; a 404 anywhere fails."""
        path = self._list_path(folder)
        response = self._list_response(path)
        if response.status_code == 404:
            raise StoreError(list_failure(response), self._empty_list_hint(path, folder, response))
        keys = list_keys(response)
        names: list[str] = []
        for key in keys:
            names += self._list_recursive(folder + key) if key.endswith("/") else [folder + key]
        return names

    def _in_order(self, work: Callable[[str], _T], names: list[str]) -> list[_T]:
        """`work` over names on up to BULK_WORKERS threads; results, and the first failure, come in name
        order, exactly as a sequential loop would give them."""
        if len(names) < 2:
            return [work(name) for name in names]
        with ThreadPoolExecutor(min(BULK_WORKERS, len(names)), thread_name_prefix="vault-read") as pool:
            futures = [pool.submit(work, name) for name in names]
            try:
                return [future.result() for future in futures]
            finally:
                for future in futures:
                    future.cancel()

    # --- Mount detection (Dapr never asks; we do, to explain its failures) -----------------------

    def _mount(self) -> _Mount | None:
        """The mount at enginePath, asked once; None when Vault will not say."""
        if not self._mount_checked:
            try:
                self._mount_cache = self._fetch_mount()
            except StoreError:
                return None  # unreachable just now: ask again next time
            self._mount_checked = True
        return self._mount_cache

    def _fetch_mount(self) -> _Mount | None:
        response = self._request("GET", f"/v1/sys/internal/ui/mounts/{self.engine_path}")
        if response.status_code != 200:
            return None  # no such mount, or the token may not ask: assume KV v2, as Dapr does
        data = json_object(response.text).get("data") or {}
        options = data.get("options") or {}
        return _Mount(str(data.get("type", "")), str(options.get("version") or "1"))

    def _known_kv_v1(self) -> bool:
        return self._mount_checked and self._mount_cache is not None and self._mount_cache.is_kv_v1

    def _mount_is_kv_v1(self) -> bool:
        mount = self._mount()
        return mount is not None and mount.is_kv_v1

    def _get_request(self, name: str) -> str:
        return f"GET {self.address}{self._kv_path('data', name)}?version=0"

    def _kv_v1_explanation(self, request: str) -> str:
        return (
            f"'{self.engine_path}' is a KV version 1 mount. Dapr supports only KV v2: it requests {request}, "
            "which a KV v1 mount does not serve, so Dapr fails. Move the secrets to a KV v2 mount."
        )

    # --- Errors ----------------------------------------------------------------------------------

    def _not_found(self, name: str, version: str, missing: _Missing) -> StoreError:
        message = f"getSecret {name} failed secret key or version not exist"
        if missing.no_engine:
            return SecretNotFound(message, self._no_engine_hint())
        if self._mount_is_kv_v1():
            return StoreError(message, self._kv_v1_explanation(self._get_request(name)))
        where = f"{self.engine_path}/{self.prefix + '/' if self.prefix else ''}{name}"
        if version not in ("0", ""):
            hint = f"version {version} of {where} does not exist (or was deleted)"
        else:
            hint = (
                f"nothing readable at {where}: check the name, enginePath and vaultKVPrefix; "
                "a secret whose latest version was deleted also answers this way"
            )
        return SecretNotFound(message, hint)

    def _no_engine_hint(self) -> str:
        return f"Vault has no secrets engine mounted at '{self.engine_path}': check enginePath"

    def _empty_list_hint(self, path: str, folder: str, response: Any) -> str:
        if no_engine(response):
            return self._no_engine_hint()
        if folder:
            return f"the folder {folder} disappeared while listing"
        if self._mount_is_kv_v1():
            return self._kv_v1_explanation(f"LIST {self.address}{path}")
        return (
            f"nothing is stored under {path.removeprefix('/v1/')}: Dapr's bulk fails instead of returning "
            "an empty answer. Check enginePath, vaultKVPrefix and vaultKVUsePrefix."
        )

    def _status_error(self, message: str, response: Any, need: str) -> StoreError:
        status = response.status_code
        if status == 403:
            return AccessDenied(message, f"the token was refused: check that its policy allows {need}")
        if status == 503 and "sealed" in error_body(response):
            return StoreUnreachable(message, "Vault is sealed: unseal it (bao/vault operator unseal), then refresh")
        if status in (502, 503, 504):
            return StoreUnreachable(message, "Vault (or a proxy in front of it) is unavailable: try again later")
        if status == 400:
            return StoreError(
                message,
                "Vault refused the request: check that version_id is a whole number and that vaultAddr's "
                "scheme (http or https) is the one Vault serves",
            )
        return StoreError(message, "Vault answered with an error: its log says more")

    # --- Diagnostics -----------------------------------------------------------------------------

    def _finding(
        self, severity: Severity, code: str, message: str, hint: str = "", secret: str | None = None
    ) -> Diagnostic:
        return Diagnostic(
            severity, code, message, hint, source=self.context.component_source, component=self.name, secret=secret
        )

    def _setting_findings(self) -> list[Diagnostic]:
        """What the metadata alone says (no I/O)."""
        findings = []
        if self._dapr_init_error:
            findings.append(
                self._finding(
                    Severity.ERROR,
                    "vault-token-from-env",
                    f"daprd would fail to open this store: {self._dapr_init_error}",
                    f"dapr-secrets is browsing it with {self._token_source}; give the component vaultToken "
                    "or vaultTokenMountPath",
                )
            )
        skip_verify = prop(self.properties, "skipVerify")
        if skip_verify == "true":
            findings.append(
                self._finding(Severity.INFO, "vault-tls-unverified", 'TLS verification is off (skipVerify: "true")')
            )
        elif is_truthy(skip_verify):
            findings.append(
                self._finding(
                    Severity.WARNING,
                    "vault-skipverify-not-true",
                    f'skipVerify is "{skip_verify}": Dapr only accepts exactly "true", so TLS verification stays on',
                )
            )
        use_prefix = property_lookup(self.properties, "vaultKVUsePrefix")
        if use_prefix is not None and not is_truthy(use_prefix) and use_prefix.strip().lower() not in FALSY:
            findings.append(
                self._finding(
                    Severity.WARNING,
                    "vault-prefix-disabled",
                    f'vaultKVUsePrefix is "{use_prefix}", which Dapr reads as false: no prefix is used',
                )
            )
        return findings

    def _content_findings(self) -> list[Diagnostic]:
        """What Vault's contents say (bounded I/O: a few LISTs, DIAGNOSTIC_SAMPLE reads)."""
        response = self._list_response(self._list_path(""))
        if response.status_code == 404:
            return self._empty_top_findings(response)
        names, complete = self._sample_names(list_keys(response))
        findings = [finding for finding in self._in_order(self._value_finding, names) if finding]
        if not complete:
            findings.append(
                self._finding(
                    Severity.INFO, "vault-sample-limited", f"only the first {len(names)} secrets were checked"
                )
            )
        return findings

    def _empty_top_findings(self, response: Any) -> list[Diagnostic]:
        """Dapr's top LIST answered 404: no engine, a KV v1 mount, a mount of another kind, or no secrets."""
        if no_engine(response):
            return [self._finding(Severity.ERROR, "vault-no-engine", self._no_engine_hint())]
        mount = self._mount()
        if mount is not None and mount.is_kv_v1:
            message = f"'{self.engine_path}' is a KV version 1 mount: Dapr supports only KV v2, so every read fails"
            explanation = self._kv_v1_explanation(f"LIST {self.address}{self._list_path('')}")
            return [self._finding(Severity.ERROR, "vault-kv-v1", message, explanation)]
        if mount is not None and mount.type not in ("kv", "generic"):
            message = f"'{self.engine_path}' is a {mount.type} mount, not a KV v2 secrets engine"
            return [self._finding(Severity.ERROR, "vault-not-kv", message)]
        where = f"{self.engine_path}/{self.prefix}" if self.prefix else self.engine_path
        findings = [
            self._finding(
                Severity.WARNING,
                "vault-bulk-fails-empty",
                f"nothing is stored under {where}: Dapr's bulk fails (LIST answers 404) instead of returning nothing",
            )
        ]
        if self.prefix and self._list(f"/v1/{self.engine_path}/metadata/"):
            findings.append(
                self._finding(
                    Severity.WARNING,
                    "vault-prefix-hides-secrets",
                    f"secrets exist in '{self.engine_path}' but none under the prefix '{self.prefix}/': Dapr reads "
                    "only under the prefix",
                    'set vaultKVPrefix to the folder that holds them, or vaultKVUsePrefix: "false"',
                )
            )
        return findings

    def _sample_names(self, top: list[str]) -> tuple[list[str], bool]:
        """Up to DIAGNOSTIC_SAMPLE secret names, breadth first, with at most DIAGNOSTIC_FOLDERS more LISTs."""
        names = [key for key in top if not key.endswith("/")]
        folders = [key for key in top if key.endswith("/")]
        lists = 0
        while folders and len(names) < DIAGNOSTIC_SAMPLE and lists < DIAGNOSTIC_FOLDERS:
            folder = folders.pop(0)
            lists += 1
            for key in self._list(self._list_path(folder)) or []:
                (folders if key.endswith("/") else names).append(folder + key)
        return names[:DIAGNOSTIC_SAMPLE], not folders and len(names) <= DIAGNOSTIC_SAMPLE

    def _value_finding(self, name: str) -> Diagnostic | None:
        """A warning when Dapr would fail on this secret's latest version. The value never leaves here."""
        response = self._request("GET", f"{self._kv_path('data', name)}?version=0")
        if response.status_code == 404:
            message = (
                f"{name}: Vault lists it but its latest version is deleted or destroyed: Dapr's bulk skips it "
                "and GET fails"
            )
            hint = "undelete the version in Vault, or write a new one"
            return self._finding(Severity.WARNING, "vault-latest-version-deleted", message, hint, secret=name)
        kinds = non_string_kinds(response.text) if response.status_code == 200 and self.value_type == "map" else {}
        if not kinds:
            return None
        message = f"{name}: {describe_kinds(kinds)}: Dapr's GET of it fails, and so does bulk"
        return self._finding(Severity.WARNING, "vault-non-string-values", message, NON_STRING_HINT, secret=name)

    def _non_string_notes(self, name: str) -> list[str]:
        kinds = self._recent_kinds(name)
        if kinds is None:  # not read just now (describe alone): read it, the value stays here
            try:
                response = self._request("GET", f"{self._kv_path('data', name)}?version=0")
            except StoreError:
                return []
            kinds = non_string_kinds(response.text) if response.status_code == 200 else {}
        return [f"{describe_kinds(kinds)}: in map mode Dapr's GET fails. {NON_STRING_HINT}"] if kinds else []

    def _recent_kinds(self, name: str) -> dict[str, str] | None:
        """What a GET of `name`'s latest version saw less than RECENT_READ seconds ago, if one did."""
        last = self._last_kinds
        if last is not None and last[0] == name and time.monotonic() - last[1] < RECENT_READ:
            return last[2]
        return None

