"""Metadata and credentials of `secretstores.gcp.secretmanager`, as contrib's
secretstores/gcp/secretmanager/secretmanager.go decides them (dapr-cloud-stores.md §4.1, G1-G3).

The switch is `private_key_id` alone: when it is set, the component's service-account fields are
the credentials; when it is empty, every other credential field is ignored (even `private_key`) and
Application Default Credentials answer. The docs say otherwise; the code wins.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dapr_secrets.backends.base import StoreContext, StoreMisconfigured
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup
from dapr_secrets.components.files import read_regular_file

SETUP = "failed to setup secretmanager client"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"  # Go's auth library falls back to it too
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
# gcp-auth credentials/detect.go: DetectDefault's error when no ADC source exists.
NO_DEFAULT_CREDENTIALS = (
    "credentials: could not find default credentials. "
    "See https://cloud.google.com/docs/authentication/external/set-up-adc for more information"
)
METADATA_ADDRESS = ("169.254.169.254", 80)
METADATA_PROBE_SECONDS = 1.0

# JSON name -> (Go field name, mapstructure alias), both matched case-insensitively (§4.1).
FIELDS: dict[str, tuple[str, str]] = {
    "type": ("type", "type"),
    "project_id": ("projectID", "project_id"),
    "private_key_id": ("privateKeyID", "private_key_id"),
    "private_key": ("privateKey", "private_key"),
    "client_email": ("clientEmail", "client_email"),
    "client_id": ("clientID", "client_id"),
    "auth_uri": ("authURI", "auth_uri"),
    "token_uri": ("tokenURI", "token_uri"),
    "auth_provider_x509_cert_url": ("authProviderX509CertURL", "auth_provider_x509_cert_url"),
    "client_x509_cert_url": ("clientX509CertURL", "client_x509_cert_url"),
}
_PEM_START = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n")
# Credential file types Go's auth library knows (gcp-auth filetypes.go); others are "unsupported".
KNOWN_FILE_TYPES = (
    "service_account",
    "authorized_user",
    "external_account",
    "impersonated_service_account",
    "gdch_service_account",
    "external_account_authorized_user",
)


def read_metadata(properties: Mapping[str, str]) -> dict[str, str]:
    """The ten fields by JSON name ("" when absent), or Init's error (G1)."""
    duplicate = duplicate_property_error(properties)
    if duplicate is not None:  # kit's DecodeMetadata error, wrapped by the store (Corrections)
        raise StoreMisconfigured(f"failed to decode metadata: {duplicate.message}")
    fields = {json_name: property_lookup(properties, *names) or "" for json_name, names in FIELDS.items()}
    if fields["project_id"] == "":
        raise StoreMisconfigured(
            "missing property `project_id` in metadata",
            "set project_id to the Google Cloud project's ID (Dapr requires it even with ADC)",
        )
    return fields


def ignored_key_fields(fields: Mapping[str, str]) -> list[str]:
    """Credential fields Dapr ignores because private_key_id is empty (G3)."""
    if fields["private_key_id"]:
        return []
    return [name for name in ("private_key", "client_email") if fields[name]]


@dataclass(frozen=True)
class GcpCredential:
    credentials: Any  # a google.auth credentials object
    source: str  # where it came from, for people
    account: str  # who it is ("" when only the server knows)
    why: str  # why Dapr uses this one (the private_key_id switch)

    def describe(self) -> str:
        who = f" as {self.account}" if self.account else ""
        return f"{self.source}{who}; {self.why}"


def build_credential(fields: Mapping[str, str], context: StoreContext) -> GcpCredential:
    """contrib's getClient: the component's service account when private_key_id is set, else ADC."""
    if fields["private_key_id"]:
        return _service_account(fields)
    ignored = ignored_key_fields(fields)
    why = "private_key_id is empty, so Dapr uses Application Default Credentials"
    if ignored:
        why += f" and ignores the component's {' and '.join(ignored)}"
    return _application_default(context, why)


def _service_account(fields: Mapping[str, str]) -> GcpCredential:
    for required in ("type", "private_key", "client_email"):  # contrib checks them in this order
        if not fields[required]:
            raise StoreMisconfigured(
                f"{SETUP}: missing property `{required}` in metadata",
                f"private_key_id is set, so Dapr builds service-account credentials and needs {required} too",
            )
    kind = fields["type"]
    if kind not in KNOWN_FILE_TYPES:
        raise StoreMisconfigured(
            f'{SETUP}: credentials: unsupported filetype "{kind}"', 'set type to "service_account"'
        )
    if kind != "service_account":
        raise StoreMisconfigured(
            f'{SETUP}: credentials: type "{kind}" needs fields a Dapr component cannot carry',
            'set type to "service_account" (the component fields describe a service-account key)',
        )
    from google.oauth2 import service_account

    info = dict(fields)
    info["token_uri"] = info["token_uri"] or DEFAULT_TOKEN_URI
    try:
        if not _PEM_START.search(info["private_key"]):  # Go's pem.Decode needs the armour on its own line
            raise ValueError("not PEM")
        credentials = service_account.Credentials.from_service_account_info(info)  # type: ignore[no-untyped-call]  # google-auth leaves it unannotated
    except ValueError:  # the key did not parse; the message may quote it, so it is not repeated
        raise StoreMisconfigured(
            f"{SETUP}: credentials: could not parse key: private key should be a PEM or plain PKCS1 or PKCS8",
            "private_key must be the key's PEM text with real newlines (a YAML block scalar, or \\n "
            "escapes in a double-quoted string), as in the JSON key file",
        ) from None
    return GcpCredential(
        credentials,
        f"the component's service-account key {fields['private_key_id']}",
        fields["client_email"],
        "private_key_id is set, so Dapr uses the component's service-account fields",
    )


def _application_default(context: StoreContext, why: str) -> GcpCredential:
    """ADC in Go's order, from daprd's environment: GOOGLE_APPLICATION_CREDENTIALS, the gcloud file,
    then the metadata server (GKE workload identity, Cloud Run, Compute Engine)."""
    env = context.env
    path = env.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    if path:
        return _from_file(Path(context.cwd, path), "GOOGLE_APPLICATION_CREDENTIALS", why)
    config = env.get("CLOUDSDK_CONFIG") or (str(Path(env["HOME"], ".config", "gcloud")) if env.get("HOME") else "")
    if config:
        well_known = Path(context.cwd, config, "application_default_credentials.json")
        if well_known.is_file():
            return _from_file(well_known, "the gcloud ADC file", why)
    if not _metadata_server_answers(env):
        raise StoreMisconfigured(
            f"{SETUP}: {NO_DEFAULT_CREDENTIALS}",
            "no Application Default Credentials here: set GOOGLE_APPLICATION_CREDENTIALS for daprd, run "
            "`gcloud auth application-default login`, or give the component a key with private_key_id",
        )
    from google.auth import compute_engine

    return GcpCredential(
        compute_engine.Credentials(),  # type: ignore[no-untyped-call]  # google-auth leaves it unannotated
        "Application Default Credentials from the metadata server (GKE workload identity, Cloud Run, Compute Engine)",
        "",
        why,
    )


def _metadata_server_answers(env: Mapping[str, str]) -> bool:
    """Go's metadata.OnGCE, which ADC asks at Init: GCE_METADATA_HOST set, or the metadata address
    accepts a connection (a short probe, as Go's)."""
    if env.get("GCE_METADATA_HOST"):
        return True
    try:
        with socket.create_connection(METADATA_ADDRESS, timeout=METADATA_PROBE_SECONDS):
            return True
    except OSError:
        return False


def _from_file(path: Path, origin: str, why: str) -> GcpCredential:
    import google.auth
    from google.auth import exceptions

    try:
        content = json.loads(read_regular_file(str(path)))
        kind = content.get("type", "") if isinstance(content, dict) else ""
        if kind == "service_account" and not _PEM_START.search(str(content.get("private_key", ""))):
            raise ValueError("could not parse key: private key should be a PEM or plain PKCS1 or PKCS8")
        credentials, _ = google.auth.load_credentials_from_file(str(path), scopes=[CLOUD_PLATFORM])  # type: ignore[no-untyped-call]  # unannotated in google-auth
    except OSError as error:
        raise StoreMisconfigured(
            f"{SETUP}: credentials: cannot read {origin} file {path}: {error.strerror}",
            "point GOOGLE_APPLICATION_CREDENTIALS at a JSON key file daprd can read, or unset it",
        ) from None
    except (ValueError, AttributeError, exceptions.GoogleAuthError) as error:
        # google-auth names the problem (wrong type, missing field); it never quotes the key.
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreMisconfigured(
            f"{SETUP}: credentials: {origin} file {path}: {reason}",
            "use a service-account key file or `gcloud auth application-default login`",
        ) from None
    account = getattr(credentials, "service_account_email", "") or ""
    source = {
        "service_account": f"Application Default Credentials: service-account key from {origin} ({path})",
        "authorized_user": f"Application Default Credentials: your gcloud user login from {origin} ({path})",
        "external_account": f"Application Default Credentials: workload identity federation from {origin} ({path})",
        "impersonated_service_account": f"Application Default Credentials: impersonation from {origin} ({path})",
    }.get(kind, f"Application Default Credentials from {origin} ({path})")
    if kind == "impersonated_service_account":
        account = getattr(credentials, "_target_principal", "") or account
    return GcpCredential(credentials, source, account, why)
