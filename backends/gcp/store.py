"""Google Cloud Secret Manager (`secretstores.gcp.secretmanager`), answering like Dapr's store
(contrib secretstores/gcp/secretmanager/secretmanager.go; dapr-cloud-stores.md §4, §8).

GET is keyed by the requested name and reads `version_id` (default `latest`); bulk lists every
secret and reads each one's latest version, keyed by the full name the API returns
(`projects/<number>/secrets/<id>`), and fails as a whole on the first secret it cannot read.
Browsing pages through ListSecrets and ListSecretVersions and never reads a value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    LastChanged,
    MissingExtra,
    SecretDetails,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    SecretVersion,
    StoreContext,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.gcp.credentials import GcpCredential, build_credential, ignored_key_fields, read_metadata
from dapr_secrets.components.model import Diagnostic, Severity

VERSION_ID = "version_id"  # request metadata for GET (exact key)
BULK_WORKERS = 16  # concurrent value reads in bulk_get (Dapr reads them one by one)
LIST_PAGE_SIZE = 500  # secrets per browsing page (Dapr's bulk sends none: the server decides)
VERSIONS_PAGE_SIZE = 100
RETRY_SECONDS = 10.0  # total time a call retries RESOURCE_EXHAUSTED / UNAVAILABLE (Dapr's client: 60 s)
ACCESS_ROLE = "roles/secretmanager.secretAccessor"
VIEW_ROLE = "roles/secretmanager.viewer"

INSTALL = "pip install 'dapr-secrets[gcp]'"


@dataclass(frozen=True)
class LocalEndpoint:
    """Where tests point the real client instead of secretmanager.googleapis.com:443."""

    address: str  # host:port of a local TLS gRPC server
    ca_file: str  # the CA that signed its certificate


# Test seam, deliberately not metadata (daprd has no endpoint option, G4): when a test assigns a
# LocalEndpoint, every store opened afterwards dials it over TLS with the same credentials.
_endpoint_for_tests: LocalEndpoint | None = None


class GcpSecretManagerStore(SecretStore):
    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        self.fields = read_metadata(properties)
        self.project_id = self.fields["project_id"]
        try:
            import google.api_core  # noqa: F401
            from google.cloud import secretmanager_v1  # noqa: F401
        except ImportError:
            raise MissingExtra("google-cloud-secret-manager", INSTALL) from None
        self.credential: GcpCredential = build_credential(self.fields, context)
        self._client = _client(self.credential.credentials)

    # --- Dapr's operations ---------------------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """GetSecret (G5): `version_id` when present, even empty; `{requested name: value}`."""
        if name == "":
            raise StoreError("missing secret name in request")
        version = metadata[VERSION_ID] if VERSION_ID in metadata else "latest"
        resource = f"projects/{self.project_id}/secrets/{name}/versions/{version}"
        return {name: self._access(resource, name)}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """BulkGetSecret (G7, G8): every listed secret's latest version, keyed by the returned name.

        Dapr reads them one by one; we read them concurrently while later pages are listed, which
        gives the same map and, on failure, the same error: the first failing secret in listing
        order (values before a listing error that came later)."""
        result: dict[str, dict[str, str]] = {}
        pages = self._pages(lambda: self._client.list_secrets(**self._list_args(page_size=0)), "list")
        with ThreadPoolExecutor(max_workers=BULK_WORKERS, thread_name_prefix=f"gcp-{self.name}") as pool:
            futures: list[tuple[str, Any]] = []
            listing_error: StoreError | None = None
            try:
                for page in pages:
                    for secret in page:
                        futures.append((secret.name, pool.submit(self._access, f"{secret.name}/versions/latest", None)))
            except StoreError as error:
                listing_error = error
            try:
                for full_name, future in futures:
                    result[full_name] = {full_name: future.result()}
            finally:
                for _, future in futures:
                    future.cancel()
            if listing_error is not None:
                raise listing_error
        return result

    # --- browsing ------------------------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        """ListSecrets page by page: names, labels and dates, never a value."""
        now = datetime.now(UTC)
        for page in self._pages(lambda: self._client.list_secrets(**self._list_args(LIST_PAGE_SIZE)), "list"):
            yield [_SecretFacts.of(secret).entry(now) for secret in page]

    def describe(self, name: str) -> SecretDetails:
        """GetSecret and ListSecretVersions: attributes, versions with their state; never a value."""
        secret_name = f"projects/{self.project_id}/secrets/{name}"
        secret = self._call(lambda: self._client.get_secret(name=secret_name, **_call_options()), "describe", name)
        versions = [
            version
            for page in self._pages(
                lambda: self._client.list_secret_versions(
                    request={"parent": secret_name, "page_size": VERSIONS_PAGE_SIZE}, **_call_options()
                ),
                "versions",
                name,
            )
            for version in page
        ]
        facts = _SecretFacts.of(secret)
        aliases: dict[str, list[str]] = {}
        for alias, number in sorted(facts.aliases.items()):
            aliases.setdefault(str(number), []).append(alias)
        rows = [_version_row(version, index == 0, aliases) for index, version in enumerate(versions)]
        attributes = facts.info(datetime.now(UTC))
        attributes["versions"] = str(len(versions))
        if len(versions) > 1:
            attributes["older versions"] = "Dapr's GET reads one with metadata.version_id; bulk reads the latest"
        # Secret Manager lists versions newest first; a secret changes by getting a new version.
        newest = versions[0].create_time if versions and "create_time" in versions[0] else None
        return SecretDetails(attributes=attributes, versions=tuple(rows), notes=tuple(_bulk_notes(versions)),
                             last_changed=LastChanged.at(newest, "newest version created"))

    def identity(self) -> str:
        return self.credential.describe()

    def diagnostics(self) -> list[Diagnostic]:
        findings = []
        ignored = ignored_key_fields(self.fields)
        if "private_key" in ignored:
            findings.append(
                self._finding(
                    Severity.WARNING,
                    "gcp-private-key-ignored",
                    f"private_key is set but private_key_id is not: Dapr ignores {' and '.join(ignored)} and "
                    "uses Application Default Credentials instead (contrib's getClient switches on "
                    "private_key_id alone, whatever the docs say)",
                    "add private_key_id (the key's id, from the JSON key file) so Dapr uses this key, or remove "
                    "the key fields to rely on ADC",
                )
            )
        try:
            findings += self._bulk_breakers()
        except StoreError as error:
            findings.append(self._finding(Severity.ERROR, f"gcp-{error.kind}", error.message, error.hint))
        return findings

    def close(self) -> None:
        transport = getattr(self._client, "transport", None)
        if transport is not None:
            transport.close()

    # --- internals -------------------------------------------------------------------------------

    def _list_args(self, page_size: int) -> dict[str, Any]:
        request: dict[str, Any] = {"parent": f"projects/{self.project_id}"}
        if page_size:
            request["page_size"] = page_size
        return {"request": request, **_call_options()}

    def _access(self, resource: str, name: str | None) -> str:
        response = self._call(
            lambda: self._client.access_secret_version(name=resource, **_call_options()), "access", name, resource
        )
        # Go casts the bytes to a string; the HTTP API's JSON encoder then replaces invalid UTF-8.
        text: str = response.payload.data.decode("utf-8", errors="replace")
        return text

    def _bulk_breakers(self) -> list[Diagnostic]:
        """Secrets whose latest version cannot be read: each one fails Dapr's whole bulk (G8)."""
        pages = self._pages(lambda: self._client.list_secrets(**self._list_args(LIST_PAGE_SIZE)), "list")
        secrets = [secret.name for page in pages for secret in page]

        def latest(full_name: str) -> list[Any]:
            pages = self._client.list_secret_versions(request={"parent": full_name, "page_size": 1}, **_call_options())
            return list(next(iter(pages.pages)).versions)

        findings = []
        with ThreadPoolExecutor(max_workers=BULK_WORKERS) as pool:
            checks = [(n, pool.submit(self._call, partial(latest, n), "versions", n.rpartition("/")[2])) for n in secrets]
            for full_name, check in checks:
                for note in _bulk_notes(check.result()):
                    findings.append(
                        self._finding(
                            Severity.WARNING,
                            "gcp-breaks-bulk",
                            f"secret '{full_name.rpartition('/')[2]}': {note}",
                            "enable its latest version or add a new one; or use GET for each secret",
                            secret=full_name.rpartition("/")[2],
                        )
                    )
        return findings

    def _pages(self, pager: Callable[[], Any], action: str, name: str | None = None) -> Iterator[list[Any]]:
        """The pager's pages as lists (of secrets, or of versions), with its errors turned into ours."""
        items = "versions" if action == "versions" else "secrets"
        pages = self._call(lambda: iter(pager().pages), action, name)
        while (page := self._call(lambda: next(pages, None), action, name)) is not None:
            yield list(getattr(page, items))

    def _call(self, action: Callable[[], Any], what: str, name: str | None, resource: str = "") -> Any:
        try:
            return action()
        except StoreError:
            raise
        except Exception as error:  # the client raises many kinds; each becomes a typed StoreError
            raise self._translate(error, what, name, resource) from None

    def _translate(self, error: Exception, what: str, name: str | None, resource: str) -> StoreError:
        """Dapr's error text (`<prefix>: rpc error: code = <Code> desc = <message>`) with a hint for people."""
        from google.api_core import exceptions as gexc
        from google.auth import exceptions as auth_exc

        prefix = {
            "access": "failed to access secret version",
            "list": "failed to list secrets",
            "describe": "failed to get secret",
            "versions": "failed to list secret versions",
        }[what]
        if isinstance(error, gexc.RetryError) and isinstance(error.cause, gexc.GoogleAPICallError):
            error = error.cause
        if isinstance(error, auth_exc.GoogleAuthError):  # ADC or the token exchange failed before the call
            return AccessDenied(
                f"{prefix}: credentials: {_first_line(str(error))}",
                "no credential answered: set GOOGLE_APPLICATION_CREDENTIALS, run `gcloud auth application-default "
                "login`, run where a metadata server is available, or give the component a key with private_key_id",
            )
        code = getattr(error, "grpc_status_code", None)
        if not isinstance(error, gexc.GoogleAPICallError) or code is None:
            return StoreUnreachable(
                f"{prefix}: {_first_line(str(error)) or type(error).__name__}",
                "check the network path to secretmanager.googleapis.com:443",
            )
        text = f"{prefix}: rpc error: code = {_go_code(code.name)} desc = {error.message}"
        target = resource or (f"projects/{self.project_id}/secrets/{name}" if name else f"projects/{self.project_id}")
        who = self.credential.account or self.credential.source
        match code.name:
            case "NOT_FOUND":
                if what == "list":
                    return SecretNotFound(text, f"project '{self.project_id}' was not found: check project_id")
                return SecretNotFound(text, f"no such secret or version in project '{self.project_id}' ({target})")
            case "PERMISSION_DENIED" if getattr(error, "reason", None) == "SERVICE_DISABLED":
                return AccessDenied(
                    text,
                    f"the Secret Manager API is not enabled in project '{self.project_id}': "
                    f"gcloud services enable secretmanager.googleapis.com --project {self.project_id}",
                )
            case "PERMISSION_DENIED":
                permission, role = _PERMISSIONS[what]
                return AccessDenied(
                    text, f"{who} lacks {permission} on {target}: grant it {role} (or check project_id)"
                )
            case "UNAUTHENTICATED":
                return AccessDenied(
                    text, f"Google refused the credential of {who}: the key may be deleted, disabled or expired"
                )
            case "FAILED_PRECONDITION":
                return StoreError(
                    text, "that version is disabled or destroyed: enable it (or add a new version) in Secret Manager"
                )
            case "RESOURCE_EXHAUSTED":
                return StoreUnreachable(
                    text,
                    f"Secret Manager's quota is exhausted (retried for {RETRY_SECONDS:g} s): wait and try again, "
                    "or raise the project's quota",
                )
            case "DEADLINE_EXCEEDED":
                return StoreTimeout(text, f"Secret Manager did not answer within {DEFAULT_TIMEOUT:g} s")
            case "UNAVAILABLE":
                return StoreUnreachable(text, "cannot reach secretmanager.googleapis.com:443: check the network")
        return StoreError(text)

    def _finding(self, severity: Severity, code: str, message: str, hint: str, secret: str = "") -> Diagnostic:
        return Diagnostic(
            severity, code, message, hint, source=self.context.component_source, component=self.name, secret=secret
        )


_PERMISSIONS = {
    "access": ("secretmanager.versions.access", ACCESS_ROLE),
    "list": ("secretmanager.secrets.list", VIEW_ROLE),
    "describe": ("secretmanager.secrets.get", VIEW_ROLE),
    "versions": ("secretmanager.versions.list", VIEW_ROLE),
}


def _client(credentials: Any) -> Any:
    from google.cloud.secretmanager_v1 import SecretManagerServiceClient

    seam = _endpoint_for_tests
    if seam is None:
        return SecretManagerServiceClient(credentials=credentials)
    import grpc
    from google.cloud.secretmanager_v1.services.secret_manager_service.transports import (
        SecretManagerServiceGrpcTransport,
    )

    transport = SecretManagerServiceGrpcTransport(
        host=seam.address,
        credentials=credentials,
        ssl_channel_credentials=grpc.ssl_channel_credentials(Path(seam.ca_file).read_bytes()),
        always_use_jwt_access=True,  # as the client builds its own transport
    )
    return SecretManagerServiceClient(transport=transport)


def _call_options() -> dict[str, Any]:
    """A deadline on every call, and a bounded retry for quota and dropped connections."""
    from google.api_core import exceptions, retry

    policy = retry.Retry(
        predicate=retry.if_exception_type(exceptions.ResourceExhausted, exceptions.ServiceUnavailable),
        initial=0.2,
        maximum=2.0,
        multiplier=2.0,
        timeout=RETRY_SECONDS,
    )
    return {"retry": policy, "timeout": DEFAULT_TIMEOUT}


def _go_code(name: str) -> str:
    """grpc-go's codes.Code String(): NOT_FOUND -> NotFound."""
    return "OK" if name == "OK" else "".join(word.capitalize() for word in name.split("_"))


@dataclass(frozen=True)
class _SecretFacts:
    """A Secret resource's value-free facts, read once."""

    name: str  # projects/<number>/secrets/<id>
    created: datetime | None
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    replication: str
    expires: datetime | None
    next_rotation: datetime | None
    rotation_period: timedelta | None
    aliases: Mapping[str, int]

    @classmethod
    def of(cls, secret: Any) -> _SecretFacts:
        # The raw protobuf: proto-plus wraps every attribute access, which listing 5,000 secrets feels.
        pb = type(secret).pb(secret)
        replication = "automatic"
        if pb.replication.WhichOneof("replication") == "user_managed":
            replication = "user-managed: " + ", ".join(r.location for r in pb.replication.user_managed.replicas)
        rotation = pb.rotation if pb.HasField("rotation") else None
        return cls(
            pb.name,
            _time(pb, "create_time"),
            dict(pb.labels),
            dict(pb.annotations),
            replication,
            _time(pb, "expire_time"),
            _time(rotation, "next_rotation_time") if rotation is not None else None,
            rotation.rotation_period.ToTimedelta() if rotation is not None and rotation.HasField("rotation_period") else None,
            dict(pb.version_aliases),
        )

    @property
    def secret_id(self) -> str:
        return self.name.rpartition("/")[2]

    def info(self, now: datetime) -> dict[str, str]:
        info = {"bulk key": self.name}
        for label, value in (
            ("created", _when(self.created)),
            ("labels", _pairs(self.labels)),
            ("annotations", _pairs(self.annotations)),
            ("replication", self.replication),
            ("expires", _when(self.expires) + (" (expired)" if self.expires and self.expires <= now else "")),
            ("next rotation", _when(self.next_rotation)),
            ("rotation period", _period(self.rotation_period)),
            ("version aliases", ", ".join(f"{a}={n}" for a, n in sorted(self.aliases.items()))),
        ):
            if value:
                info[label] = value
        return info

    def entry(self, now: datetime) -> SecretEntry:
        note = f"expires {_when(self.expires)}: Secret Manager deletes it then" if self.expires else ""
        return SecretEntry(self.secret_id, info=self.info(now), note=note)


def _version_row(version: Any, latest: bool, aliases: Mapping[str, list[str]]) -> SecretVersion:
    number = version.name.rpartition("/")[2]
    words = ["current"] if latest else []  # "latest": what GET reads without version_id, and bulk
    words.append(version.state.name.lower())
    words += [f"alias {alias}" for alias in aliases.get(number, [])]
    created = version.create_time if "create_time" in version else None
    return SecretVersion(id=number, created=_when(created), state=", ".join(words))


def _bulk_notes(versions_newest_first: list[Any]) -> list[str]:
    """Why Dapr's GET without version_id, and so its whole bulk, fails for this secret (G8)."""
    if not versions_newest_first:
        return ["no versions: Dapr's GET fails and it breaks Dapr's bulk (all-or-nothing)"]
    state = versions_newest_first[0].state.name
    if state != "ENABLED":
        number = versions_newest_first[0].name.rpartition("/")[2]
        return [
            f"latest version {number} is {state.lower()}: Dapr's GET without version_id fails and it breaks Dapr's bulk "
            "(all-or-nothing)"
        ]
    return []


def _time(pb: Any, field: str) -> datetime | None:
    return getattr(pb, field).ToDatetime(tzinfo=UTC) if pb.HasField(field) else None


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if moment else ""


def _period(period: timedelta | None) -> str:
    if not period:
        return ""
    days, rest = divmod(int(period.total_seconds()), 86400)
    return f"{days} d" if not rest else f"{days} d {rest // 3600} h" if days else f"{int(period.total_seconds())} s"


def _pairs(mapping: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(mapping.items()))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""
