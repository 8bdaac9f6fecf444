"""Azure Key Vault (`secretstores.azure.keyvault`), answering like Dapr's store (dapr-behaviour.md §3.5).

Metadata, cloud and credential chain follow contrib's keyvault.go and common/authentication/azure:
the same aliases, the same order of credentials (built from azure-identity's own classes), the same
Init errors. GET and bulk return exactly Dapr's maps; listing and describe never read values.
SPIFFE workload identity is the one link we cannot reproduce (it needs daprd's Sentry): it is
skipped and identity() says so.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    StoreMisconfigured,
    StoreTimeout,
    StoreUnreachable,
    duplicate_property_error,
    property_lookup,
)
from dapr_secrets.components.model import Diagnostic, Severity

BULK_WORKERS = 16  # concurrent value reads in bulk_get; also the HTTP connection pool size
MAX_RETRIES = 3  # per request, for throttling (429), 5xx and dropped connections
MAX_RETRY_AFTER = 30.0  # seconds we wait when Key Vault throttles; a longer Retry-After fails at once
CLI_TIMEOUT = 30  # seconds, Dapr's limit for `az account get-access-token`

# Metadata names and aliases (contrib common/authentication/azure/metadata-properties.go).
VAULT_NAME = ("vaultName",)
ENVIRONMENT = ("azureEnvironment", "azureCloud")
TENANT_ID = ("azureTenantId", "spnTenantId", "tenantId")
CLIENT_ID = ("azureClientId", "spnClientId", "clientId")
CLIENT_SECRET = ("azureClientSecret", "spnClientSecret", "clientSecret")
CERTIFICATE = ("azureCertificate", "spnCertificate")
CERTIFICATE_FILE = ("azureCertificateFile", "spnCertificateFile")
CERTIFICATE_PASSWORD = ("azureCertificatePassword", "spnCertificatePassword")
AUTH_METHODS = ("azureAuthMethods", "azureADAuthMethods", "entraIDAuthMethods", "microsoftEntraIDAuthMethods")

VERSION_ID = "version_id"  # request metadata for GET
MAX_RESULTS = "maxresults"  # request metadata for bulk (exact lower-case key)


@dataclass(frozen=True)
class AzureCloud:
    name: str
    vault_suffix: str
    authority_host: str


PUBLIC_CLOUD = AzureCloud("AzurePublicCloud", "vault.azure.net", "login.microsoftonline.com")
CHINA_CLOUD = AzureCloud("AzureChinaCloud", "vault.azure.cn", "login.chinacloudapi.cn")
US_GOVERNMENT_CLOUD = AzureCloud("AzureUSGovernmentCloud", "vault.usgovcloudapi.net", "login.microsoftonline.us")

_CLOUDS = {
    "": PUBLIC_CLOUD,
    "azurepubliccloud": PUBLIC_CLOUD,
    "azurepublic": PUBLIC_CLOUD,
    "azurechinacloud": CHINA_CLOUD,
    "azurechina": CHINA_CLOUD,
    "azureusgovernmentcloud": US_GOVERNMENT_CLOUD,
    "azureusgovernment": US_GOVERNMENT_CLOUD,
}

# Dapr 1.3 accepted a host name as vaultName; the suffix still forces the cloud.
_LEGACY_SUFFIXES = {
    ".vault.azure.net": PUBLIC_CLOUD,
    ".vault.azure.cn": CHINA_CLOUD,
    ".vault.usgovcloudapi.net": US_GOVERNMENT_CLOUD,
}

# azureAuthMethods values and aliases -> Dapr's method name.
_METHODS = {
    "clientcredentials": "clientcredentials",
    "creds": "clientcredentials",
    "clientcertificate": "clientcertificate",
    "cert": "clientcertificate",
    "workloadidentity": "workloadidentity",
    "wi": "workloadidentity",
    "spiffeworkloadidentity": "spiffeworkloadidentity",
    "spiffe": "spiffeworkloadidentity",
    "managedidentity": "managedidentity",
    "mi": "managedidentity",
    "commandlineinterface": "commandlineinterface",
    "cli": "commandlineinterface",
    "none": "none",
}
DEFAULT_METHODS = (
    "clientcredentials",
    "clientcertificate",
    "workloadidentity",
    "spiffeworkloadidentity",
    "managedidentity",
    "commandlineinterface",
)
# Set where Azure hosts a managed identity endpoint; Dapr then leaves the Azure CLI out of its chain.
_MANAGED_IDENTITY_HOST_VARS = ("IDENTITY_ENDPOINT", "IMDS_ENDPOINT", "MSI_ENDPOINT")


@dataclass(frozen=True)
class LocalEndpoints:
    """Where tests point the real SDK instead of Azure (see `_endpoints_for_tests`)."""

    vault_url: str  # dialled instead of https://{vaultName}.{suffix}
    ca_file: str  # CA bundle trusted for both the vault and Entra
    authority: str  # Entra authority host instead of the cloud's


# Test seam, deliberately not metadata so users cannot set it: when a test assigns a LocalEndpoints,
# every store opened afterwards talks to those local HTTPS fakes (with challenge-resource
# verification off and instance discovery disabled, which a non-Azure host needs).
_endpoints_for_tests: LocalEndpoints | None = None


@dataclass(frozen=True)
class CredentialLink:
    """One link of the credential chain."""

    method: str  # Dapr's method name, e.g. "clientcredentials"
    description: str  # who we are, for people; never a secret
    credential: Any  # the azure-identity credential


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
                f"cannot reach Key Vault at {self.vault_url}: {_first_line(str(error))}", self._reach_hint()
            )
        if isinstance(error, HttpResponseError):
            return self._translate_status(error, isinstance(error, ClientAuthenticationError), permission, what)
        return StoreError(f"Key Vault request for {what} failed: {_first_line(str(error))}", self._reach_hint())

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


# --- metadata ------------------------------------------------------------------------------------


def resolve_vault(properties: Mapping[str, str]) -> tuple[str, AzureCloud]:
    """vaultName and the cloud, as keyvault.go's Init: a legacy host-name suffix (with an optional
    leading https://) is stripped and forces its cloud; otherwise azureEnvironment decides."""
    vault_name = property_lookup(properties, *VAULT_NAME) or ""
    for suffix, cloud in _LEGACY_SUFFIXES.items():
        if vault_name.endswith(suffix):
            return vault_name.removesuffix(suffix).removeprefix("https://"), cloud
    environment = property_lookup(properties, *ENVIRONMENT) or ""
    cloud = _CLOUDS.get(environment.lower())
    if cloud is None:
        raise StoreMisconfigured(
            f"invalid Azure cloud: {environment}",
            "azureEnvironment must be AzurePublicCloud, AzureChinaCloud or AzureUSGovernmentCloud",
        )
    return vault_name, cloud


def configured_auth_methods(properties: Mapping[str, str]) -> tuple[str, ...] | None:
    """azureAuthMethods as Dapr reads it; None when absent or blank (Dapr's default chain applies)."""
    text = property_lookup(properties, *AUTH_METHODS)
    if text is None or not text.strip():
        return None
    methods = []
    for raw in text.strip().lower().split(","):
        method = _METHODS.get(raw.strip())
        if method is None:
            raise StoreMisconfigured(
                f"invalid Azure auth method: {raw.strip()}",
                "use clientcredentials, clientcertificate, workloadidentity, managedidentity or "
                "commandlineinterface (or their short forms), separated by commas",
            )
        if method == "none":
            raise StoreMisconfigured(
                "all Azure auth methods have been disabled with auth method 'None'",
                "remove 'none' from azureAuthMethods: this store cannot work without Azure credentials",
            )
        methods.append(method)
    return tuple(methods)


def max_results(metadata: Mapping[str, str]) -> int:
    """Bulk's `maxresults`: Go's strconv.Atoi, then int32(...) (which wraps); 0 or less means no limit."""
    text = metadata.get(MAX_RESULTS, "")
    if text == "":
        return 0
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise StoreError(
            f"strconv.Atoi: parsing {_go_quote(text)}: invalid syntax", "maxresults must be a whole number"
        )
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise StoreError(
            f"strconv.Atoi: parsing {_go_quote(text)}: value out of range", "maxresults must be a whole number"
        )
    return (value + 2**31) % 2**32 - 2**31


def _go_quote(text: str) -> str:
    """Close to Go's strconv.Quote for what users type (ASCII and printable text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- the credential chain ------------------------------------------------------------------------


def build_credential_chain(
    properties: Mapping[str, str], context: StoreContext, cloud: AzureCloud
) -> tuple[list[CredentialLink], list[str]]:
    """Dapr's GetTokenCredential: the links in Dapr's order, and notes on links Dapr has that we skip.
    Raises StoreMisconfigured with Dapr's Init error when there is no usable link."""
    builder = _ChainBuilder(properties, context, cloud)
    configured = configured_auth_methods(properties)
    for method in configured or DEFAULT_METHODS:
        if method == "commandlineinterface" and configured is None and _on_managed_identity_host(context.env):
            continue  # Dapr leaves the CLI out of its default chain on App Service, Functions, Arc, Cloud Shell
        builder.add(method)
    if not builder.links and not builder.skipped:
        errors = "\n".join(builder.errors) if builder.errors else "%!w(<nil>)"  # Go's errors.Join / %w of nil
        raise StoreMisconfigured(
            f"no suitable token provider for Azure AD; errors: {errors}",
            "set azureTenantId, azureClientId and azureClientSecret (or a certificate), "
            "or allow managed identity or the Azure CLI in azureAuthMethods",
        )
    return builder.links, builder.skipped


def _on_managed_identity_host(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in _MANAGED_IDENTITY_HOST_VARS)


class _ChainBuilder:
    """Builds one link per method the way contrib's add*Provider functions do: a method whose inputs
    are missing is left out silently; one whose credential cannot be built records an error."""

    def __init__(self, properties: Mapping[str, str], context: StoreContext, cloud: AzureCloud) -> None:
        self.properties = properties
        self.context = context
        self.cloud = cloud
        self.links: list[CredentialLink] = []
        self.skipped: list[str] = []
        self.errors: list[str] = []
        self.tenant_id = property_lookup(properties, *TENANT_ID) or ""
        self.client_id = property_lookup(properties, *CLIENT_ID) or ""

    def add(self, method: str) -> None:
        getattr(self, f"_add_{method}")()

    def _identity_options(self) -> dict[str, Any]:
        """Options for credentials that talk to Entra: the cloud's authority, or the test seam's."""
        timeouts = {"connection_timeout": DEFAULT_TIMEOUT, "read_timeout": DEFAULT_TIMEOUT}
        seam = _endpoints_for_tests
        if seam is not None:
            return {
                **timeouts,
                "authority": seam.authority,
                "disable_instance_discovery": True,
                "connection_verify": seam.ca_file,
            }
        return {**timeouts, "authority": self.cloud.authority_host}

    def _app(self, client_id: str, tenant_id: str) -> str:
        return f"app {client_id or '(no client id)'} in tenant {tenant_id or '(no tenant)'}"

    def _add_clientcredentials(self) -> None:
        secret = property_lookup(self.properties, *CLIENT_SECRET) or ""
        if not (self.client_id and secret and self.tenant_id):
            return
        from azure.identity import ClientSecretCredential

        self._try_add(
            "clientcredentials",
            f"client secret of {self._app(self.client_id, self.tenant_id)}",
            lambda: ClientSecretCredential(self.tenant_id, self.client_id, secret, **self._identity_options()),
        )

    def _add_clientcertificate(self) -> None:
        path = property_lookup(self.properties, *CERTIFICATE_FILE) or ""
        inline = property_lookup(self.properties, *CERTIFICATE) or ""
        if not (path or inline):
            return
        password = property_lookup(self.properties, *CERTIFICATE_PASSWORD) or ""
        if path:
            resolved = Path(self.context.cwd, path)  # daprd reads it relative to its working directory
            try:
                data = resolved.read_bytes()
            except OSError as error:
                self.errors.append(f"failed to read the certificate file ({path}): {error.strerror or error}")
                return
        else:
            data = inline.encode()
        if not data:
            self.errors.append("certificate is not given")
            return
        certificate_format = _certificate_format(data, password)
        if certificate_format is None:
            self.errors.append("failed to decode pkcs12 certificate while creating spt: certificate is not valid")
            return
        if certificate_format == "pem":
            password = ""  # Dapr uses the password for PKCS#12 only
        from azure.identity import CertificateCredential

        where = f"file {path}" if path else "azureCertificate"
        self._try_add(
            "clientcertificate",
            f"client certificate ({where}) of {self._app(self.client_id, self.tenant_id)}",
            lambda: CertificateCredential(
                self.tenant_id,
                self.client_id,
                certificate_data=data,
                password=password or None,
                **self._identity_options(),
            ),
        )

    def _add_workloadidentity(self) -> None:
        env = self.context.env
        for variable, problem in (
            ("AZURE_CLIENT_ID", "no client ID specified. Check pod configuration or set ClientID in the options"),
            (
                "AZURE_FEDERATED_TOKEN_FILE",
                "no token file specified. Check pod configuration or set TokenFilePath in the options",
            ),
            ("AZURE_TENANT_ID", "no tenant ID specified. Check pod configuration or set TenantID in the options"),
        ):
            if not env.get(variable):
                self.errors.append(problem)
                return
        from azure.identity import WorkloadIdentityCredential

        options = self._identity_options()
        if _endpoints_for_tests is None and env.get("AZURE_AUTHORITY_HOST"):
            options["authority"] = env["AZURE_AUTHORITY_HOST"]
        token_file = str(Path(self.context.cwd, env["AZURE_FEDERATED_TOKEN_FILE"]))
        self._try_add(
            "workloadidentity",
            f"workload identity of {self._app(env['AZURE_CLIENT_ID'], env['AZURE_TENANT_ID'])}",
            lambda: WorkloadIdentityCredential(
                tenant_id=env["AZURE_TENANT_ID"],
                client_id=env["AZURE_CLIENT_ID"],
                token_file_path=token_file,
                **options,
            ),
        )

    def _add_spiffeworkloadidentity(self) -> None:
        if self.client_id and self.tenant_id:
            self.skipped.append(
                f"SPIFFE workload identity of {self._app(self.client_id, self.tenant_id)} "
                "(only daprd can use it: it needs a JWT SVID from Dapr Sentry)"
            )

    def _add_managedidentity(self) -> None:
        from azure.identity import ManagedIdentityCredential

        if self.client_id:
            self._try_add(
                "managedidentity",
                f"user-assigned managed identity {self.client_id}",
                lambda: ManagedIdentityCredential(client_id=self.client_id),
            )
        else:
            self._try_add("managedidentity", "system-assigned managed identity", ManagedIdentityCredential)

    def _add_commandlineinterface(self) -> None:
        from azure.identity import AzureCliCredential

        self._try_add(
            "commandlineinterface",
            "Azure CLI login (az login)",
            lambda: AzureCliCredential(process_timeout=CLI_TIMEOUT),
        )

    def _try_add(self, method: str, description: str, build: Callable[[], Any]) -> None:
        try:
            credential = build()
        except (ValueError, TypeError) as error:  # azure-identity validates ids and certificates when built
            self.errors.append(str(error))
            return
        self.links.append(CredentialLink(method, description, credential))


def _certificate_format(data: bytes, password: str) -> str | None:
    """What contrib's decodeCertificate accepts: "pkcs12" (optional password) or "pem" (certificate
    + unencrypted key; the password is ignored), RSA keys only; None for anything else."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(data, password.encode() or None)
        if certificate is not None and isinstance(key, rsa.RSAPrivateKey):
            return "pkcs12"
    except ValueError:
        pass
    try:
        x509.load_pem_x509_certificate(data)
        return "pem" if isinstance(load_pem_private_key(data, None), rsa.RSAPrivateKey) else None
    except (ValueError, TypeError):
        return None


class CredentialChain:
    """Go's ChainedTokenCredential, as Dapr uses it: links are tried in order; a link that is
    unavailable passes to the next, any other failure stops the chain; once a link has answered it
    is the only one used. Remembers which link answered, so the UI can say who we are."""

    def __init__(self, links: list[CredentialLink], skipped: list[str], secrets_to_scrub: tuple[str, ...] = ()) -> None:
        self.links = links
        self.skipped = skipped
        self.answered: CredentialLink | None = None
        self._secrets_to_scrub = secrets_to_scrub
        self._lock = threading.Lock()

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> Any:
        from azure.core.credentials import AccessToken

        options: dict[str, Any] = {"enable_cae": enable_cae}
        if claims:
            options["claims"] = claims
        if tenant_id:
            options["tenant_id"] = tenant_id
        info = self.get_token_info(*scopes, options=options)
        return AccessToken(info.token, info.expires_on)

    def get_token_info(self, *scopes: str, options: Mapping[str, Any] | None = None) -> Any:
        from azure.identity import CredentialUnavailableError

        answered = self.answered
        if answered is not None:
            return self._ask(answered, scopes, options)
        with self._lock:  # one thread walks the chain, as in Go
            if self.answered is not None:
                return self._ask(self.answered, scopes, options)
            attempts = [f"{note}: skipped" for note in self.skipped]
            for link in self.links:
                try:
                    token = self._ask(link, scopes, options)
                except CredentialUnavailableError as error:
                    attempts.append(f"{link.description}: {self._scrub(_first_line(error.message))}")
                    continue
                self.answered = link
                return token
        raise AccessDenied(
            "no Azure credential could get a token: " + "; ".join(attempts),
            "set azureTenantId, azureClientId and azureClientSecret (or a certificate), run `az login`, "
            "or run where a managed or workload identity is available",
        )

    def _ask(self, link: CredentialLink, scopes: tuple[str, ...], options: Mapping[str, Any] | None) -> Any:
        from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError
        from azure.identity import CredentialUnavailableError

        # Private, but it is how azure-identity's own chain tells ManagedIdentityCredential to probe
        # IMDS briefly (Dapr cuts managed identity off after 1 s where none is available).
        from azure.identity._internal import within_credential_chain

        marker = within_credential_chain.set(True)
        try:
            return link.credential.get_token_info(*scopes, options=dict(options or {}))
        except CredentialUnavailableError:
            raise
        except ClientAuthenticationError as error:
            raise AccessDenied(
                f"Microsoft Entra ID refused the {link.description}: {self._scrub(_first_line(error.message))}",
                _refusal_hint(link.method),
            ) from None
        except ServiceRequestError as error:
            raise StoreUnreachable(
                f"cannot reach Microsoft Entra ID for the {link.description}: {self._scrub(_first_line(str(error)))}",
                "check the network path to login.microsoftonline.com (or your cloud's authority)",
            ) from None
        finally:
            within_credential_chain.reset(marker)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets_to_scrub:
            text = text.replace(secret, "****")
        return text

    def summary(self) -> str:
        order = " → ".join(link.description for link in self.links) or "(no credential this tool can use)"
        skipped = f"; skipped: {'; '.join(self.skipped)}" if self.skipped else ""
        if self.answered is not None:
            return f"{self.answered.description} (answered); chain: {order}{skipped}"
        return f"credential chain, in Dapr's order: {order}{skipped}"

    def close(self) -> None:
        for link in self.links:
            link.credential.close()


def _refusal_hint(method: str) -> str:
    return {
        "clientcredentials": (
            "check azureClientSecret: it may be the secret's ID instead of its value, expired or rotated"
        ),
        "clientcertificate": "check that the certificate is registered on the app registration and not expired",
        "workloadidentity": "check the federated credential of the app registration and the service account token",
    }.get(method, "check the identity's configuration in Microsoft Entra ID")


# --- the SDK client ------------------------------------------------------------------------------


def _secret_client(vault_url: str, credential: CredentialChain) -> Any:
    import requests
    from azure.core.pipeline.transport import RequestsTransport
    from azure.keyvault.secrets import SecretClient
    from urllib3.util.retry import Retry

    seam = _endpoints_for_tests
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

    class PoliteRetryPolicy(RetryPolicy):
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


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""
