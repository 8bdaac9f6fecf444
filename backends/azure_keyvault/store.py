"""Azure Key Vault (`secretstores.azure.keyvault`), answering like Dapr's store (dapr-behaviour.md §3.5).

The vault, its cloud and the credential chain come from `credentials` (contrib's keyvault.go Init and
common/authentication/azure). GET and bulk return exactly Dapr's maps; listing and describe never
read values; identity() names the credential that answered and the links that were skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dapr_secrets.backends.azure_keyvault.credentials import (
    CERTIFICATE_PASSWORD,
    CLIENT_SECRET,
    VAULT_NAME,
    CredentialChain,
    build_credential_chain,
    first_line,
    local_endpoints,
    resolve_vault,
)
from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    LastChanged,
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
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup
from dapr_secrets.components.golang import NumError, parse_decimal
from dapr_secrets.components.model import Diagnostic, Severity

BULK_WORKERS = 16  # concurrent value reads in bulk_get; also the HTTP connection pool size
MAX_RETRIES = 3  # per request, for throttling (429), 5xx and dropped connections
MAX_RETRY_AFTER = 30.0  # seconds we wait when Key Vault throttles; a longer Retry-After fails at once
VERSION_ID = "version_id"  # request metadata for GET
MAX_RESULTS = "maxresults"  # request metadata for bulk (exact lower-case key)


class AzureKeyVaultStore(SecretStore):
    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate is not None:
            raise duplicate
        self.vault_name, self.cloud = resolve_vault(properties)
        self.vault_url = f"https://{self.vault_name}.{self.cloud.vault_suffix}"
        self._secrets_to_scrub = tuple(
            v
            for v in (property_lookup(properties, *CLIENT_SECRET), property_lookup(properties, *CERTIFICATE_PASSWORD))
            if v
        )
        links, skipped = build_credential_chain(properties, context, self.cloud)
        self.chain = CredentialChain(links, skipped, self._secrets_to_scrub)
        self._client = _secret_client(self.vault_url, self.chain)

    # --- Dapr's operations ---------------------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """GetSecret: the latest version, or `version_id`; `{name: value}` ("" for a null value)."""
        if name == "":
            raise StoreError("parameter name cannot be empty")  # the Go SDK's own check
        version = metadata.get(VERSION_ID) or None
        secret = self._call(lambda: self._client.get_secret(name, version), "get", name, version)
        return {name: secret.value or ""}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """BulkGetSecret: enabled secrets only, latest values, `maxresults` checked after each page.

        Dapr reads values one by one; we read a page's values concurrently while the next page is
        listed, which gives the same map and, on failure, the same error: the first failing secret
        in listing order, and a listing error only after the previous page's values."""
        limit = max_results(metadata)
        result: dict[str, dict[str, str]] = {}
        pages = self._pages(self._client.list_properties_of_secrets, "list")
        with ThreadPoolExecutor(max_workers=BULK_WORKERS, thread_name_prefix=f"akv-{self.name}") as pool:
            page = next(pages, None)
            while page is not None:
                names = [item.name for item in page if item.enabled]  # missing or false: hidden
                next_page = pool.submit(next, pages, None)
                values = [pool.submit(self._latest_value, name) for name in names]
                for secret_name, value in zip(names, values, strict=True):
                    result[secret_name] = {secret_name: value.result()}
                if limit > 0 and len(result) >= limit:
                    break
                page = next_page.result()
        return result

    # --- browsing, value-free -----------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        now = datetime.now(UTC)
        for page in self._pages(self._client.list_properties_of_secrets, "list"):
            yield [_Properties.of(item).entry(now) for item in page]

    def describe(self, name: str) -> SecretDetails:
        """Properties of the current version and every version's state; never a value."""
        versions = [
            _Properties.of(item)
            for page in self._pages(lambda: self._client.list_properties_of_secret_versions(name), "list", name)
            for item in page
        ]
        if not versions:
            raise SecretNotFound(f"secret '{name}' has no versions in Key Vault {self.vault_name}")
        # Key Vault's current version is the newest one.
        newest_first = sorted(versions, key=lambda v: v.created or datetime.min.replace(tzinfo=UTC), reverse=True)
        now = datetime.now(UTC)
        current = newest_first[0]
        attributes = {**current.info(), "versions": str(len(versions))}
        if len(versions) > 1:  # a fact, not a surprise: an attribute, not a note
            attributes["older versions"] = "Dapr's GET reads one with metadata.version_id; bulk reads the current one"
        return SecretDetails(
            attributes=attributes,
            versions=tuple(version.as_version(now, version is current) for version in newest_first),
            notes=tuple(current.notes(now)),
            last_changed=current.last_changed(),
        )

    def identity(self) -> str:
        return self.chain.summary()

    def diagnostics(self) -> list[Diagnostic]:
        raw = property_lookup(self.properties, *VAULT_NAME) or ""
        if raw == "":
            return [
                self._diagnostic(
                    "akv-empty-vault-name",
                    f"vaultName is empty: daprd starts, but every request goes to {self.vault_url} and fails",
                    "set vaultName to the vault's name, e.g. 'myvault'",
                )
            ]
        if raw.endswith("/"):
            return [
                self._diagnostic(
                    "akv-vault-name-slash",
                    f"vaultName '{raw}' ends with '/': Dapr then keeps the whole text and calls {self.vault_url}",
                    "write the vault's name alone ('myvault'), and azureEnvironment for other clouds",
                )
            ]
        return []

    def close(self) -> None:
        self._client.close()
        self.chain.close()

    # --- internals -------------------------------------------------------------------------------

    def _latest_value(self, name: str) -> str:
        secret = self._call(lambda: self._client.get_secret(name), "get", name)
        return secret.value or ""

    def _pages(self, pager: Callable[[], Any], permission: str, name: str | None = None) -> Iterator[list[Any]]:
        """The SDK's pages as lists, with its errors turned into ours."""
        pages = self._call(lambda: iter(pager().by_page()), permission, name)
        while (page := self._call(lambda: next(pages, None), permission, name)) is not None:
            yield list(page)  # the page is already fetched: no I/O here

    def _call(self, action: Callable[[], Any], permission: str, name: str | None, version: str | None = None) -> Any:
        try:
            return action()
        except StoreError:
            raise  # from the credential chain, already explained
        except Exception as error:  # the SDK raises many kinds; each becomes a typed StoreError
            raise self._translate(error, permission, name, version) from error

    def _translate(self, error: Exception, permission: str, name: str | None, version: str | None) -> StoreError:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ResourceNotFoundError,
            ServiceRequestError,
            ServiceRequestTimeoutError,
            ServiceResponseTimeoutError,
        )

        what = f"version {version} of secret '{name}'" if version else f"secret '{name}'" if name else "secrets"
        if isinstance(error, ResourceNotFoundError):
            return SecretNotFound(f"{what} not found in Key Vault {self.vault_name}: {_service_message(error)}")
        if isinstance(error, (ServiceRequestTimeoutError, ServiceResponseTimeoutError)):
            return StoreTimeout(
                f"Key Vault at {self.vault_url} did not answer within {DEFAULT_TIMEOUT:g} s",
                "check the network path to the vault",
            )
        if isinstance(error, ServiceRequestError):
            return StoreUnreachable(
                f"cannot reach Key Vault at {self.vault_url}: {first_line(str(error))}", self._reach_hint()
            )
        if isinstance(error, HttpResponseError):
            return self._translate_status(error, isinstance(error, ClientAuthenticationError), permission, what)
        return StoreError(f"Key Vault request for {what} failed: {first_line(str(error))}", self._reach_hint())

    def _translate_status(self, error: Any, unauthorized: bool, permission: str, what: str) -> StoreError:
        status = error.status_code
        message = _service_message(error)
        if status == 403 and _inner_code(error) == "SecretDisabled":
            return AccessDenied(
                f"{what} is disabled, so Key Vault refuses to read it (and Dapr's GET fails): {message}",
                "enable the secret (or that version) in Key Vault; Dapr's bulk hides disabled secrets",
            )
        if unauthorized or status in (401, 403):
            who = self.chain.answered.description if self.chain.answered else "credential chain"
            grant = (
                f"grant it the '{permission}' secret permission (access policy) "
                "or the Key Vault Secrets User role (RBAC)"
            )
            return AccessDenied(f"Key Vault refused the {who} ({permission} {what}): {message}; {grant}", grant)
        if status == 429:
            retry_after = error.response.headers.get("Retry-After") if error.response is not None else None
            asked = f", asking to wait {retry_after} s" if retry_after else ""
            return StoreUnreachable(
                f"Key Vault is throttling requests (HTTP 429{asked}): {message}",
                f"wait and try again ({MAX_RETRIES} retries honouring Retry-After were made, or it asked for more "
                f"than {MAX_RETRY_AFTER:g} s); many apps sharing one vault can exhaust its request quota",
            )
        return StoreError(f"Key Vault answered HTTP {status} for {what}: {message}")

    def _reach_hint(self) -> str:
        if not self.vault_name:
            return "vaultName is empty; set it to the vault's name"
        return f"check vaultName ('{self.vault_name}'), azureEnvironment ({self.cloud.name}) and the network"

    def _diagnostic(self, code: str, message: str, hint: str) -> Diagnostic:
        source = self.context.component_source
        return Diagnostic(Severity.WARNING, code, message, hint, source=source, component=self.name)


# --- request metadata ---------------------------------------------------------------------------


def max_results(metadata: Mapping[str, str]) -> int:
    """Bulk's `maxresults`: Go's strconv.Atoi, then int32(...) (which wraps); 0 or less means no limit."""
    text = metadata.get(MAX_RESULTS, "")
    if text == "":
        return 0
    try:
        value = parse_decimal(text, func="Atoi")
    except NumError as error:
        raise StoreError(str(error), "maxresults must be a whole number") from None
    return (value + 2**31) % 2**32 - 2**31


# --- the SDK client ------------------------------------------------------------------------------


def _secret_client(vault_url: str, credential: CredentialChain) -> Any:
    import requests
    from azure.core.pipeline.transport import RequestsTransport
    from azure.keyvault.secrets import SecretClient
    from urllib3.util.retry import Retry

    seam = local_endpoints()
    session = requests.Session()
    # As azure-core's own session (no urllib3 retries), with a pool as large as bulk's concurrency.
    adapter = requests.adapters.HTTPAdapter(
        pool_maxsize=BULK_WORKERS, max_retries=Retry(total=False, redirect=False, raise_on_status=False)
    )
    session.mount("https://", adapter)
    transport = RequestsTransport(
        session=session,
        session_owner=True,
        connection_timeout=DEFAULT_TIMEOUT,
        read_timeout=DEFAULT_TIMEOUT,
        connection_verify=seam.ca_file if seam else True,
    )
    return SecretClient(
        seam.vault_url if seam else vault_url,
        credential,
        transport=transport,
        retry_policy=_polite_retry_policy(),
        verify_challenge_resource=seam is None,
    )


def _polite_retry_policy() -> Any:
    from azure.core.pipeline.policies import RetryPolicy

    class PoliteRetryPolicy(RetryPolicy[Any, Any]):  # any transport's request and response types
        """Honours Retry-After (azure-core does), but gives up at once when it asks for too long."""

        def is_retry(self, settings: dict[str, Any], response: Any) -> bool:
            retry_after = self.get_retry_after(response)
            if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                return False
            return super().is_retry(settings, response)

    return PoliteRetryPolicy(retry_total=MAX_RETRIES, retry_backoff_factor=0.5, retry_backoff_max=8)


# --- presenting properties -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Properties:
    """A secret's (or version's) properties, read once: each SDK model attribute access decodes again."""

    name: str
    version: str
    enabled: bool | None
    created: datetime | None
    updated: datetime | None
    expires: datetime | None
    not_before: datetime | None
    content_type: str | None
    tags: Mapping[str, str]
    managed: bool

    @classmethod
    def of(cls, item: Any) -> _Properties:
        return cls(
            item.name or "",
            item.version or "",
            item.enabled,
            item.created_on,
            item.updated_on,
            item.expires_on,
            item.not_before,
            item.content_type,
            item.tags or {},
            bool(item.managed),
        )

    def expired(self, now: datetime) -> bool:
        return self.expires is not None and self.expires <= now

    def not_yet_active(self, now: datetime) -> bool:
        return self.not_before is not None and self.not_before > now

    def info(self) -> dict[str, str]:
        info = {"enabled": {True: "yes", False: "no", None: "missing"}[self.enabled]}
        for label, value in (
            ("content type", self.content_type),
            ("created", _when(self.created)),
            ("updated", _when(self.updated)),
            ("expires", _when(self.expires)),
            ("not before", _when(self.not_before)),
            ("tags", ", ".join(f"{k}={v}" for k, v in sorted(self.tags.items()))),
            ("backs a certificate", "yes" if self.managed else ""),
        ):
            if value:
                info[label] = value
        return info

    def notes(self, now: datetime) -> list[str]:
        notes = []
        if self.enabled is False:
            notes.append("disabled: hidden from Dapr bulk; GET fails")
        elif self.enabled is None:
            notes.append("no 'enabled' attribute: hidden from Dapr bulk")
        if self.expired(now):
            notes.append(f"expired {_when(self.expires)}: Key Vault still returns it, so Dapr does too")
        if self.not_yet_active(now):
            notes.append(f"not active until {_when(self.not_before)}: Key Vault already returns it, so Dapr does too")
        return notes

    def entry(self, now: datetime) -> SecretEntry:
        return SecretEntry(self.name, info=self.info(), note="; ".join(self.notes(now)), changed=self.last_changed())

    def last_changed(self) -> LastChanged | None:
        return LastChanged.at(self.updated, "updated") or LastChanged.at(self.created, "created")

    def as_version(self, now: datetime, current: bool) -> SecretVersion:
        states = ["current"] if current else []
        states += [
            state
            for state, applies in (
                ("disabled", self.enabled is False),
                ("expired", self.expired(now)),
                ("not yet active", self.not_yet_active(now)),
            )
            if applies
        ]
        return SecretVersion(id=self.version, created=_when(self.created), state=", ".join(states))


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if moment else ""


def _service_message(error: Any) -> str:
    """Key Vault's own error message, on one line."""
    detail = getattr(error, "error", None)
    text = (detail.message if detail is not None and detail.message else None) or error.reason or str(error)
    return " ".join(text.split())


def _inner_code(error: Any) -> str | None:
    detail = getattr(error, "error", None)
    inner = getattr(detail, "innererror", None) or {}
    return inner.get("code") if isinstance(inner, Mapping) else None
