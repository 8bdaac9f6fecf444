"""What both AWS stores share: region, endpoint and credentials resolved as Dapr's
contrib common/aws (config.go `NewConfig`, auth/auth.go `NewCredentialProvider`) resolves them,
a boto3 client built from that at first use, and AWS errors turned into daprd's text plus a hint.

dapr-cloud-stores.md §2.2: Roles Anywhere when trustProfileArn, trustAnchorArn and assumeRoleArn
(exact case) are all set; else static keys when accessKey and secretKey are both set; else the AWS
SDK's default chain (env, shared config/profile, web identity, container, instance metadata).
Init never contacts AWS, so the client (and the credentials) are made lazily.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    MissingExtra,
    SecretNotFound,
    StoreContext,
    StoreError,
    StoreMisconfigured,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.metadata import property_lookup

INSTALL_COMMAND = "pip install 'dapr-secrets[aws]'"
BULK_WORKERS = 32  # concurrent value reads in bulk_get; also the HTTP connection pool size
MAX_ATTEMPTS = 4  # per request (botocore "standard" retries: throttling and 5xx, with backoff)

# contrib auth_x509.go `isX509Auth`: raw property lookups, exact case, all three non-empty.
ROLES_ANYWHERE = ("trustProfileArn", "trustAnchorArn", "assumeRoleArn")

_NOT_FOUND = {"ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound"}
_EXPIRED = {"ExpiredTokenException", "ExpiredToken", "RequestExpired"}
_UNKNOWN_KEY = {"UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch", "InvalidSignatureException"}
_DENIED = {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "AuthorizationError"}
_KMS = {
    "DecryptionFailure",
    "KMSAccessDeniedException",
    "KMSDisabledException",
    "KMSInvalidStateException",
    "KMSNotFoundException",
    "InvalidKeyId",
}
_THROTTLED = {"ThrottlingException", "Throttling", "TooManyRequestsException", "ThrottledException", "RequestLimitExceeded"}

# botocore's credential `method` -> words for people (which link of the default chain answered).
_METHODS = {
    "env": "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
    "shared-credentials-file": "shared credentials file (~/.aws/credentials)",
    "config-file": "shared config file (~/.aws/config)",
    "assume-role": "assume-role profile in ~/.aws/config",
    "assume-role-with-web-identity": "web identity (IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)",
    "sso": "IAM Identity Center (SSO) profile",
    "custom-process": "credential_process of the profile",
    "container-role": "container credentials (ECS task role or EKS Pod Identity)",
    "iam-role": "EC2 instance profile (instance metadata service)",
}
DEFAULT_CHAIN = "AWS default chain: env keys → shared config/profile → web identity (IRSA) → container → instance metadata"


def boto3_module() -> Any:
    """boto3, or MissingExtra naming the install command (it is an optional extra)."""
    try:
        import boto3
    except ImportError:
        raise MissingExtra("boto3", INSTALL_COMMAND) from None
    return boto3


@dataclass(frozen=True)
class Service:
    """One AWS service as the Go SDK names it in its error texts."""

    client_name: str  # boto3's: "secretsmanager", "ssm"
    go_name: str  # in "operation error <go_name>: <Op>, ..."
    endpoint_env: str  # the service-specific endpoint variable
    iam_prefix: str  # "secretsmanager", "ssm"


def mask_key_id(key_id: str) -> str:
    """An access key ID shown as the AWS console does: enough to recognise it, not to use it."""
    return f"{key_id[:4]}…{key_id[-4:]}" if len(key_id) > 12 else "…"


def roles_anywhere_error(properties: Mapping[str, str], context: StoreContext) -> StoreMisconfigured | None:
    """Roles Anywhere signs with daprd's own SPIFFE certificate (auth_x509.go `newAuthX509`), which no
    other process has. daprd's Init then fails; say which way it fails and why, not silently fall back."""
    if not all(properties.get(key) for key in ROLES_ANYWHERE):
        return None
    if context.kubernetes_mode:
        # dapr v1.18.3 makes an Ed25519 workload key (reference, Corrections: A3).
        message = (
            "failed to get cert and signer: workload private key is ed25519.PrivateKey, "
            "but IAM Roles Anywhere requires ECDSA"
        )
    else:  # self-hosted without mTLS: no SVID in the Init context
        message = "failed to get cert and signer: failed to get SPIFFE certs: invalid SVID: no certs found"
    return StoreMisconfigured(
        message,
        "IAM Roles Anywhere (trustProfileArn + trustAnchorArn + assumeRoleArn) authenticates with daprd's own "
        "SPIFFE certificate from Sentry; this tool cannot present it. daprd 1.18 makes Ed25519 workload keys, "
        "which Roles Anywhere refuses, so use static keys or the default chain (IRSA, instance role) instead",
    )


class AwsConnection:
    """A boto3 client for one store, built as Dapr builds its aws.Config, created at the first call."""

    def __init__(
        self,
        service: Service,
        properties: Mapping[str, str],
        context: StoreContext,
        region_names: tuple[str, ...],
        endpoint_metadata: bool,
    ) -> None:
        self.service = service
        self.env = context.env
        self.region, self.region_source = self._region(properties, region_names)
        self.endpoint, self.endpoint_source = self._endpoint(properties if endpoint_metadata else {})
        access = property_lookup(properties, "accessKey") or ""
        secret = property_lookup(properties, "secretKey") or ""
        token = property_lookup(properties, "sessionToken") or ""
        # auth_static.go: static keys only when both are set; the token only with them.
        self._static = (access, secret, token or None) if access and secret else None
        self._lock = threading.Lock()
        self._client: Any = None
        self._credential = ""  # who answered, once known

    # --- Dapr's resolution ------------------------------------------------------------------------

    def _region(self, properties: Mapping[str, str], names: tuple[str, ...]) -> tuple[str | None, str]:
        # The Go SDK reads AWS_REGION then AWS_DEFAULT_REGION; botocore reads only the latter (§2.2).
        region = property_lookup(properties, *names) if names else None
        if region:
            return region, f"metadata {names[0]}"
        for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if self.env.get(variable):
                return self.env[variable], variable
        return None, "the shared config profile"

    def _endpoint(self, properties: Mapping[str, str]) -> tuple[str | None, str]:
        """Metadata endpoint > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > regional default;
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true drops all three (reference, Corrections: endpoint)."""
        if self.ignores_configured_endpoints():
            return None, "the regional default (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true)"
        endpoint = property_lookup(properties, "endpoint")
        if endpoint:
            return endpoint, "metadata endpoint"
        for variable in (self.service.endpoint_env, "AWS_ENDPOINT_URL"):
            if self.env.get(variable):
                return self.env[variable], variable
        return None, "the regional default"

    def ignores_configured_endpoints(self) -> bool:
        return self.env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() == "true"

    # --- the client -----------------------------------------------------------------------------

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._make_client()
            return self._client

    def _make_client(self) -> Any:
        boto3 = boto3_module()
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, NoRegionError

        keys: dict[str, Any] = {}
        if self._static is not None:
            access, secret, token = self._static
            keys = {"aws_access_key_id": access, "aws_secret_access_key": secret, "aws_session_token": token}
            self._credential = f"static keys from the component's accessKey/secretKey (access key ID {mask_key_id(access)}"
            self._credential += ", with sessionToken)" if token else ")"
        else:
            env_keys = self._env_keys()
            if env_keys is not None:
                keys = env_keys
        config = Config(
            connect_timeout=DEFAULT_TIMEOUT,
            read_timeout=DEFAULT_TIMEOUT,
            retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
            max_pool_connections=BULK_WORKERS,
            ignore_configured_endpoint_urls=self.ignores_configured_endpoints() or None,
        )
        try:
            session = boto3.session.Session(region_name=self.region, profile_name=self.env.get("AWS_PROFILE") or None, **keys)
            client = session.client(self.service.client_name, endpoint_url=self.endpoint, config=config)
        except NoRegionError as error:
            raise StoreMisconfigured(
                f"operation error {self.service.go_name}: endpoint rule error, Invalid Configuration: Missing Region",
                "set region in the component, or AWS_REGION / AWS_DEFAULT_REGION in daprd's environment",
            ) from error
        except BotoCoreError as error:  # e.g. ProfileNotFound, a broken config file
            raise StoreMisconfigured(f"error creating AWS config: {error}", "check AWS_PROFILE and ~/.aws/config") from error
        if not self._credential:
            self._credential = self._chain_link(session)
        return client

    def _env_keys(self) -> dict[str, Any] | None:
        """The env link of the Go default chain, read from daprd's environment (the Go SDK also
        accepts AWS_ACCESS_KEY / AWS_SECRET_KEY, which botocore does not)."""
        for access_name, secret_name in (("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("AWS_ACCESS_KEY", "AWS_SECRET_KEY")):
            access, secret = self.env.get(access_name, ""), self.env.get(secret_name, "")
            if access and secret:
                token = self.env.get("AWS_SESSION_TOKEN") or None
                self._credential = (
                    f"{DEFAULT_CHAIN.split(':')[0]}: environment variables {access_name} / {secret_name} "
                    f"(access key ID {mask_key_id(access)}{', with AWS_SESSION_TOKEN' if token else ''})"
                )
                return {"aws_access_key_id": access, "aws_secret_access_key": secret, "aws_session_token": token}
        return None

    def _chain_link(self, session: Any) -> str:
        credentials = session.get_credentials()  # may ask a container/instance endpoint: first call only
        if credentials is None:
            return ""  # identity() keeps describing the chain; the call fails with NoCredentialsError
        method = getattr(credentials, "method", "") or "unknown"
        words = _METHODS.get(method, method)
        if method in ("shared-credentials-file", "config-file", "assume-role", "sso", "custom-process"):
            words += f", profile {session.profile_name or 'default'}"
        if method == "assume-role-with-web-identity" and self.env.get("AWS_ROLE_ARN"):
            words += f", role {self.env['AWS_ROLE_ARN']}"
        return f"AWS default chain: {words}"

    def identity(self) -> str:
        where = f"region {self.region or '(from the profile)'} ({self.region_source})"
        if self.endpoint:
            where += f", endpoint {self.endpoint} ({self.endpoint_source})"
        if self._credential:
            return f"{self._credential} (answered); {where}"
        if self._static is not None:
            return f"static keys from the component's accessKey/secretKey; {where}"
        return f"{DEFAULT_CHAIN}; {where}"

    # --- calls and errors ------------------------------------------------------------------------

    def call(self, operation: str, what: str, **params: Any) -> dict[str, Any]:
        """One API call (`operation` as AWS names it, e.g. "GetSecretValue"); errors become typed
        StoreErrors whose message is the Go SDK's text, as daprd would show it."""
        try:
            client = self.client()
            answer: dict[str, Any] = getattr(client, _snake(operation))(**params)
            return answer
        except StoreError:
            raise
        except Exception as error:  # botocore raises many kinds; each becomes a typed StoreError
            raise self.translate(error, operation, what) from error

    def pages(self, operation: str, what: str, token_field: str = "NextToken", **params: Any) -> Iterator[dict[str, Any]]:
        """Pages until the token is absent or empty (moto sends "" on some last pages; §8)."""
        token = None
        while True:
            page = self.call(operation, what, **params, **({token_field: token} if token else {}))
            yield page
            token = page.get(token_field)
            if not token:
                return

    def translate(self, error: Exception, operation: str, what: str) -> StoreError:
        from botocore.exceptions import (
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
            NoCredentialsError,
            NoRegionError,
            ParamValidationError,
            ReadTimeoutError,
        )

        prefix = f"operation error {self.service.go_name}: {operation}, "
        action = f"{self.service.iam_prefix}:{operation}"
        if isinstance(error, ClientError):
            return self._client_error(error, prefix, action, what)
        if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
            return StoreTimeout(
                f"{prefix}{_first_line(str(error))}",
                f"{self._where()} did not answer within {DEFAULT_TIMEOUT:g} s: check the endpoint and the network",
            )
        if isinstance(error, EndpointConnectionError):
            return StoreUnreachable(f"{prefix}{_first_line(str(error))}", f"cannot reach {self._where()}: {self._reach_hint()}")
        if isinstance(error, NoCredentialsError):
            return AccessDenied(
                f"{prefix}failed to refresh cached credentials, no EC2 IMDS role found",
                f"no AWS credentials found. Dapr tries: accessKey/secretKey metadata, then the {DEFAULT_CHAIN}",
            )
        if isinstance(error, NoRegionError):
            return StoreMisconfigured(
                f"{prefix}endpoint rule error, Invalid Configuration: Missing Region",
                "set region in the component, or AWS_REGION / AWS_DEFAULT_REGION in daprd's environment",
            )
        if isinstance(error, ParamValidationError):
            return StoreError(f"{prefix}{_first_line(str(error))}", f"check the name of {what}")
        return StoreError(f"{prefix}{type(error).__name__}: {_first_line(str(error))}", self._reach_hint())

    def _client_error(self, error: Any, prefix: str, action: str, what: str) -> StoreError:
        response = error.response or {}
        details = response.get("Error", {})
        code = details.get("Code", "Unknown")
        message = details.get("Message", "")
        meta = response.get("ResponseMetadata", {})
        if code.isdigit():  # a body botocore could not parse (moto answers IAM denials in XML)
            code, message = _xml_error(message) or (code, _first_line(message))
        text = (
            f"{prefix}https response error StatusCode: {meta.get('HTTPStatusCode', 0)}, "
            f"RequestID: {meta.get('RequestId', '')}, {code}: {message}"
        )
        who = self._credential or "the configured credentials"
        if code in _NOT_FOUND:
            if "staging label" in message:
                return SecretNotFound(text, f"{what} has no value for that stage: put a value in it (AWSCURRENT is what Dapr reads)")
            return SecretNotFound(text, f"{what} does not exist in {self._where()}: check the name and the region")
        if code in _EXPIRED:
            return AccessDenied(
                text, f"the credentials have expired ({who}): refresh them (new session token, aws sso login) and reopen the store"
            )
        if code in _UNKNOWN_KEY:
            return AccessDenied(text, f"AWS does not accept these credentials ({who}): check the access key, the secret key and the region")
        if code in _KMS or code.startswith("KMS") or re.search(r"kms:|\bKMS\b", message):
            return AccessDenied(text, f"{who} may read {what} but not decrypt it: grant kms:Decrypt on its KMS key")
        if code in _DENIED or meta.get("HTTPStatusCode") in (401, 403):
            return AccessDenied(text, f"{who} may not call {action} on {what}: grant it in the identity's IAM policy")
        if code in _THROTTLED:
            return StoreUnreachable(
                text,
                f"AWS is throttling requests ({MAX_ATTEMPTS} attempts with backoff were made): wait and try again; "
                "many apps reading one account share its API quota",
            )
        return StoreError(text, "")

    def _where(self) -> str:
        if self.endpoint:
            return f"{self.service.go_name} at {self.endpoint}"
        return f"{self.service.go_name} in region {self.region or '(unset)'}"

    def _reach_hint(self) -> str:
        if self.endpoint:
            return f"check the endpoint {self.endpoint} ({self.endpoint_source}) and the network"
        return f"check the region ({self.region or 'unset'}) and the network"


def read_concurrently(pages: Iterator[list[str]], read: Callable[[str], Any], thread_name: str) -> Iterator[tuple[str, Any]]:
    """(name, read(name)) in listing order, the reads of a page running concurrently while the next
    page is listed. Dapr's loop reads one by one; this gives the same results and, on failure, the
    same first error: a value error in listing order, a listing error only after the earlier values."""
    with ThreadPoolExecutor(max_workers=BULK_WORKERS, thread_name_prefix=thread_name) as pool:
        page = next(pages, None)
        while page is not None:
            next_page = pool.submit(next, pages, None)
            values = [pool.submit(read, name) for name in page]
            for name, value in zip(page, values, strict=True):
                yield name, value.result()
            page = next_page.result()


def _xml_error(body: str) -> tuple[str, str] | None:
    code, message = re.search(r"<Code>([^<]*)</Code>", body), re.search(r"<Message>([^<]*)</Message>", body)
    return (code.group(1), message.group(1) if message else "") if code else None


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(operation))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def with_prefix(error: StoreError, prefix: str) -> StoreError:
    """The same kind of error with daprd's wording in front ("couldn't get secret: ...")."""
    return type(error)(f"{prefix}{error.message}", error.hint)


def isoformat(value: Any) -> str:
    """A botocore timestamp (datetime) as RFC 3339 text; "" when absent."""
    return value.isoformat().replace("+00:00", "Z") if value is not None and hasattr(value, "isoformat") else ""

