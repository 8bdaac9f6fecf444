"""Where an Azure Key Vault component's vault is and who we are to it, as contrib's keyvault.go Init
and common/authentication/azure decide: vaultName and the cloud, then the credential chain (the same
aliases, the same order of links, built from azure-identity's own classes, the same Init errors).
SPIFFE workload identity is the one link we cannot reproduce (it needs daprd's Sentry): it is skipped
and the chain's summary says so."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    StoreContext,
    StoreMisconfigured,
    StoreUnreachable,
)
from dapr_secrets.backends.metadata import property_lookup
from dapr_secrets.components.files import read_regular_file

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


def local_endpoints() -> LocalEndpoints | None:
    """The test seam's endpoints, read when a store opens (tests set them on this module)."""
    return _endpoints_for_tests


@dataclass(frozen=True)
class CredentialLink:
    """One link of the credential chain."""

    method: str  # Dapr's method name, e.g. "clientcredentials"
    description: str  # who we are, for people; never a secret
    credential: Any  # the azure-identity credential


# --- metadata ------------------------------------------------------------------------------------


def resolve_vault(properties: Mapping[str, str]) -> tuple[str, AzureCloud]:
    """vaultName and the cloud, as keyvault.go's Init: a legacy host-name suffix (with an optional
    leading https://) is stripped and forces its cloud; otherwise azureEnvironment decides."""
    vault_name = property_lookup(properties, *VAULT_NAME) or ""
    for suffix, cloud in _LEGACY_SUFFIXES.items():
        if vault_name.endswith(suffix):
            return vault_name.removesuffix(suffix).removeprefix("https://"), cloud
    environment = property_lookup(properties, *ENVIRONMENT) or ""
    named = _CLOUDS.get(environment.lower())
    if named is None:
        raise StoreMisconfigured(
            f"invalid Azure cloud: {environment}",
            "azureEnvironment must be AzurePublicCloud, AzureChinaCloud or AzureUSGovernmentCloud",
        )
    return vault_name, named


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
        seam = local_endpoints()
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
                data = read_regular_file(str(resolved))
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
        if local_endpoints() is None and env.get("AZURE_AUTHORITY_HOST"):
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
                    attempts.append(f"{link.description}: {self._scrub(first_line(error.message))}")
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
                f"Microsoft Entra ID refused the {link.description}: {self._scrub(first_line(error.message))}",
                _refusal_hint(link.method),
            ) from None
        except ServiceRequestError as error:
            raise StoreUnreachable(
                f"cannot reach Microsoft Entra ID for the {link.description}: {self._scrub(first_line(str(error)))}",
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


def first_line(text: str) -> str:
    """The first line of an SDK message (the rest may be a long trace)."""
    return text.strip().splitlines()[0].strip() if text.strip() else ""
