"""Init of secretstores.gcp.secretmanager (dapr-cloud-stores.md §1, §4.1, G1-G3): metadata names and
aliases, the project_id requirement, the private_key_id switch, ADC sources, who we are, the doctor
warning for an ignored key, and the missing extra. Calls go through the real client to the local
Secret Manager, which identifies the caller from the JWT the client signed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dapr_secrets.backends.base import StoreContext, StoreMisconfigured
from dapr_secrets.backends.gcp.store import GcpSecretManagerStore
from dapr_secrets.components.model import Severity
from tests.fakes.secretmanager_server import SecretManagerServer
from tests.helpers.gcp import PROJECT, OpenStore, ServiceAccountKey


def open_raw(properties: dict[str, str], tmp_path: Path, env: dict[str, str] | None = None) -> GcpSecretManagerStore:
    return GcpSecretManagerStore("gcpsm", properties, StoreContext(env=env or {}, cwd=str(tmp_path)))


# --- G1: project_id ------------------------------------------------------------------------------


@pytest.mark.parametrize("properties", [{}, {"type": "service_account"}, {"project_id": ""}])
def test_g1_project_id_is_always_required(properties: dict[str, str], tmp_path: Path) -> None:
    # contrib secretstores/gcp/secretmanager/secretmanager.go parseSecretManagerMetadata
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw(properties, tmp_path)
    assert raised.value.message == "missing property `project_id` in metadata"


def test_s1_r1_names_match_case_insensitively_by_go_field_name_and_json_alias(
    open_store: OpenStore, sm: SecretManagerServer, reader_key: ServiceAccountKey
) -> None:
    # kit metadata/utils.go DecodeMetadata: Go field names (projectID, privateKeyID...) and the
    # mapstructure names (project_id...) both match, in any case
    sm.add_secret("db", "v")
    fields = reader_key.metadata()
    spelled = {
        "TYPE": fields["type"],
        "ProjectID": fields["project_id"],
        "privatekeyid": fields["private_key_id"],
        "PrivateKey": fields["private_key"],
        "CLIENT_EMAIL": fields["client_email"],
    }
    store = open_store(spelled)
    assert store.get_secret("db", {}) == {"db": "v"}
    assert sm.value_requests()[-1].caller == reader_key.email


def test_s1_r1_two_names_differing_only_in_case_fail_init_wrapped_as_a_decode_error(tmp_path: Path) -> None:
    # kit DecodeMetadata resolveAliases, wrapped by parseSecretManagerMetadata (Corrections list)
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw({"project_id": "a", "Project_ID": "b"}, tmp_path)
    assert raised.value.message == (
        "failed to decode metadata: failed to resolve aliases: key project_id is duplicate in the metadata"
    )


# --- G2: private_key_id switches the component's fields on ---------------------------------------


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, "type"),
        ({"type": "service_account"}, "private_key"),
        ({"type": "service_account", "private_key": "a"}, "client_email"),
    ],
)
def test_g2_private_key_id_requires_type_private_key_and_client_email_in_that_order(
    present: dict[str, str], missing: str, tmp_path: Path
) -> None:
    # contrib secretmanager.go getClient (the checks after `if metadata.PrivateKeyID != ""`)
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw({"project_id": PROJECT, "private_key_id": "k1", **present}, tmp_path)
    assert raised.value.message == f"failed to setup secretmanager client: missing property `{missing}` in metadata"


def test_g2_the_key_is_parsed_at_init(tmp_path: Path) -> None:
    # contrib secretmanager_test.go TestInit: private_key "a" fails Init with the key-parse error
    properties = {"type": "service_account", "project_id": "a", "private_key_id": "a", "private_key": "a",
                  "client_email": "a@example.com"}
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw(properties, tmp_path)
    assert raised.value.message.startswith(
        "failed to setup secretmanager client: credentials: could not parse key: "
        "private key should be a PEM or plain PKCS1 or PKCS8"
    )
    assert "real newlines" in raised.value.hint


def test_g2_a_type_other_than_service_account_fails_init(tmp_path: Path, reader_key: ServiceAccountKey) -> None:
    # gcp-auth credentials/filetypes.go fileCredentials: unknown types are "unsupported filetype"
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw(reader_key.metadata(type="robot"), tmp_path)
    assert raised.value.message == 'failed to setup secretmanager client: credentials: unsupported filetype "robot"'


def test_g2_an_empty_token_uri_defaults_and_the_client_signs_its_own_jwt(
    open_store: OpenStore, sm: SecretManagerServer, reader_key: ServiceAccountKey
) -> None:
    # contrib getClient serialises the fields for option.WithCredentialsJSON; Go's auth library
    # defaults token_uri. The Python client signs a JWT with the key (kid = private_key_id).
    sm.add_secret("db", "v")
    store = open_store(reader_key.metadata(token_uri=""))
    assert store.get_secret("db", {}) == {"db": "v"}
    assert sm.value_requests()[-1].caller == reader_key.email


def test_g2_identity_names_the_account_and_key_id_and_never_key_material(
    open_store: OpenStore, reader_key: ServiceAccountKey
) -> None:
    store = open_store()
    identity = store.identity()
    assert identity == (
        f"the component's service-account key {reader_key.key_id} as {reader_key.email}; "
        "private_key_id is set, so Dapr uses the component's service-account fields"
    )
    assert "PRIVATE KEY" not in identity


# --- G3: without private_key_id, Application Default Credentials -----------------------------------


def test_g3_without_private_key_id_the_key_fields_are_ignored_and_adc_answers(
    open_store: OpenStore, sm: SecretManagerServer, tmp_path: Path,
    reader_key: ServiceAccountKey, adc_key: ServiceAccountKey,
) -> None:
    # contrib getClient: `if metadata.PrivateKeyID != ""` is the only switch; else ADC
    sm.add_secret("db", "v")
    key_file = adc_key.key_file(tmp_path / "adc.json")
    store = open_store(reader_key.metadata(private_key_id=""), env={"GOOGLE_APPLICATION_CREDENTIALS": str(key_file)})
    assert store.get_secret("db", {}) == {"db": "v"}
    assert sm.value_requests()[-1].caller == adc_key.email  # not the component's reader key
    assert store.identity() == (
        f"Application Default Credentials: service-account key from GOOGLE_APPLICATION_CREDENTIALS ({key_file}) "
        f"as {adc_key.email}; private_key_id is empty, so Dapr uses Application Default Credentials and ignores "
        "the component's private_key and client_email"
    )


def test_g3_google_application_credentials_resolves_against_daprd_working_directory(
    open_store: OpenStore, sm: SecretManagerServer, tmp_path: Path, adc_key: ServiceAccountKey
) -> None:
    sm.add_secret("db", "v")
    adc_key.key_file(tmp_path / "key.json")
    store = open_store({"project_id": PROJECT}, env={"GOOGLE_APPLICATION_CREDENTIALS": "key.json"})
    assert store.get_secret("db", {}) == {"db": "v"}
    assert sm.value_requests()[-1].caller == adc_key.email


def test_g3_the_gcloud_adc_file_is_found_under_home(
    open_store: OpenStore, sm: SecretManagerServer, tmp_path: Path, adc_key: ServiceAccountKey
) -> None:
    sm.add_secret("db", "v")
    gcloud = tmp_path / "home" / ".config" / "gcloud"
    gcloud.mkdir(parents=True)
    adc_key.key_file(gcloud / "application_default_credentials.json")
    store = open_store({"project_id": PROJECT}, env={"HOME": str(tmp_path / "home")})
    assert "the gcloud ADC file" in store.identity()
    assert store.get_secret("db", {}) == {"db": "v"}
    assert sm.value_requests()[-1].caller == adc_key.email


def test_g3_on_gke_or_cloud_run_the_metadata_server_is_named(open_store: OpenStore) -> None:
    # gcp-auth DetectDefault: metadata.OnGCE() is true when GCE_METADATA_HOST is set
    store = open_store({"project_id": PROJECT}, env={"HOME": "/nonexistent-home", "GCE_METADATA_HOST": "127.0.0.1:9"})
    assert store.identity().startswith(
        "Application Default Credentials from the metadata server (GKE workload identity, Cloud Run, Compute Engine)"
    )


def test_g3_without_any_adc_source_init_fails_like_dapr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # gcp-auth credentials/detect.go DetectDefault, wrapped by contrib Init
    import socket

    from dapr_secrets.backends.gcp import credentials

    with socket.socket() as unused:  # a port nothing listens on: the probe is refused
        unused.bind(("127.0.0.1", 0))
        monkeypatch.setattr(credentials, "METADATA_ADDRESS", unused.getsockname())
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw({"project_id": PROJECT}, tmp_path, env={"HOME": str(tmp_path)})
    assert raised.value.message == (
        "failed to setup secretmanager client: credentials: could not find default credentials. "
        "See https://cloud.google.com/docs/authentication/external/set-up-adc for more information"
    )
    assert "GOOGLE_APPLICATION_CREDENTIALS" in raised.value.hint


def test_g3_an_unreadable_adc_file_fails_init_with_the_path(tmp_path: Path) -> None:
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw({"project_id": PROJECT}, tmp_path, env={"GOOGLE_APPLICATION_CREDENTIALS": "missing.json"})
    assert raised.value.message.startswith(
        "failed to setup secretmanager client: credentials: cannot read GOOGLE_APPLICATION_CREDENTIALS file"
    )
    assert "missing.json" in raised.value.message


def test_g3_a_private_key_without_private_key_id_gets_a_doctor_warning(
    open_store: OpenStore, sm: SecretManagerServer, tmp_path: Path,
    reader_key: ServiceAccountKey, adc_key: ServiceAccountKey,
) -> None:
    key_file = adc_key.key_file(tmp_path / "adc.json")
    store = open_store(reader_key.metadata(private_key_id=""), env={"GOOGLE_APPLICATION_CREDENTIALS": str(key_file)})
    (warning,) = [d for d in store.diagnostics() if d.code == "gcp-private-key-ignored"]
    assert warning.severity == Severity.WARNING
    assert warning.message.startswith(
        "private_key is set but private_key_id is not: Dapr ignores private_key and client_email and uses "
        "Application Default Credentials instead"
    )
    assert reader_key.private_key not in warning.message + warning.hint
    complete = open_store()
    assert [d for d in complete.diagnostics() if d.code == "gcp-private-key-ignored"] == []


def test_g2_a_key_without_real_newlines_fails_init_and_is_never_quoted(
    tmp_path: Path, reader_key: ServiceAccountKey
) -> None:
    # Go's pem.Decode (via gcp-auth's key parsing) needs "-----BEGIN ...-----" on its own line
    broken = reader_key.metadata()
    broken["private_key"] = reader_key.private_key.replace("\n", "")  # newlines lost in YAML
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw(broken, tmp_path)
    assert "MII" not in raised.value.message + raised.value.hint
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps({**reader_key.metadata(), "private_key": broken["private_key"]}))
    with pytest.raises(StoreMisconfigured) as raised:
        open_raw({"project_id": PROJECT}, tmp_path, env={"GOOGLE_APPLICATION_CREDENTIALS": str(bad_file)})
    assert "MII" not in raised.value.message + raised.value.hint
