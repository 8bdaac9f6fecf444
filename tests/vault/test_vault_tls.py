"""TLS settings of the Vault component (dapr-behaviour.md §3.4) against a real OpenBao started with
-dev-tls: its certificate names localhost and 127.0.0.1 and is signed by vault-ca.pem."""

from __future__ import annotations

import shutil

import pytest

from dapr_secrets.backends.base import StoreError, StoreMisconfigured, StoreUnreachable
from tests.fakes.tls import make_ca

pytestmark = pytest.mark.integration

EXPECTED = {"k": "over tls"}


@pytest.fixture
def tls_store(openbao_tls, make_store):
    def make(**properties: str):
        return make_store({"vaultAddr": openbao_tls.url, "vaultToken": "root", **properties})

    return make


@pytest.fixture
def bao_ca(openbao_tls) -> str:
    return str(openbao_tls.ca_dir / "vault-ca.pem")


@pytest.fixture
def other_ca(tmp_path) -> str:
    return str(make_ca(tmp_path / "other").ca_pem)


def test_s3_4_ca_cert_file(tls_store, bao_ca):
    assert tls_store(caCert=bao_ca).get_secret("tlssecret", {}) == EXPECTED


def test_s3_4_ca_pem_inline(tls_store, bao_ca):
    with open(bao_ca) as pem:
        assert tls_store(caPem=pem.read()).get_secret("tlssecret", {}) == EXPECTED


def test_s3_4_ca_path_directory(tls_store, bao_ca, tmp_path):
    (tmp_path / "cas" / "deeper").mkdir(parents=True)
    shutil.copy(bao_ca, tmp_path / "cas" / "deeper" / "vault-ca.pem")
    assert tls_store(caPath=str(tmp_path / "cas")).get_secret("tlssecret", {}) == EXPECTED


def test_s3_4_ca_path_with_a_key_file_fails_init_because_every_file_must_parse(tls_store, openbao_tls):
    # bao's cert dir also holds vault-key.pem, which has no certificate.
    with pytest.raises(StoreMisconfigured, match="couldn't read certificates at .*: couldn't read PEM"):
        tls_store(caPath=str(openbao_tls.ca_dir))


def test_s3_4_system_pool_does_not_trust_a_private_ca(tls_store):
    store = tls_store()  # Init succeeds: Dapr only fails when it reads
    with pytest.raises(StoreUnreachable) as error:
        store.get_secret("tlssecret", {})
    assert "TLS verification" in error.value.message
    assert "caCert" in error.value.hint and "skipVerify" in error.value.hint


def test_s3_4_wrong_ca_fails_on_read_not_at_init(tls_store, other_ca):
    store = tls_store(caCert=other_ca)
    with pytest.raises(StoreUnreachable, match="certificate verify failed|unable to get local issuer"):
        store.get_secret("tlssecret", {})


def test_s3_4_tls_server_name_is_the_name_checked(tls_store, bao_ca):
    assert tls_store(caCert=bao_ca, tlsServerName="localhost").get_secret("tlssecret", {}) == EXPECTED
    with pytest.raises(StoreUnreachable, match="wrong.example"):
        tls_store(caCert=bao_ca, tlsServerName="wrong.example").get_secret("tlssecret", {})


def test_s3_4_skip_verify_true_works_with_a_wrong_ca_and_ignores_tls_server_name(tls_store, other_ca):
    store = tls_store(skipVerify="true", caCert=other_ca, tlsServerName="wrong.example")
    assert store.get_secret("tlssecret", {}) == EXPECTED


def test_s3_4_skip_verify_in_any_other_spelling_keeps_verification_on(tls_store, other_ca):
    with pytest.raises(StoreUnreachable):
        tls_store(skipVerify="True", caCert=other_ca).get_secret("tlssecret", {})


def test_the_machine_wide_requests_ca_bundle_is_not_used(tls_store, bao_ca, monkeypatch):
    # Dapr's CA choice is the component's alone: an env bundle that would trust Vault changes nothing.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bao_ca)
    with pytest.raises(StoreUnreachable):
        tls_store().get_secret("tlssecret", {})


def test_a_scheme_that_does_not_match_vault_is_explained(make_store, openbao_tls, openbao):
    plain_to_tls = make_store({"vaultAddr": openbao_tls.url.replace("https://", "http://"), "vaultToken": "root"})
    with pytest.raises(StoreError, match="status code 400") as error:
        plain_to_tls.get_secret("tlssecret", {})
    assert "scheme" in error.value.hint
    tls_to_plain = make_store({"vaultAddr": openbao.url.replace("http://", "https://"), "vaultToken": "root"})
    with pytest.raises(StoreUnreachable) as error:
        tls_to_plain.get_secret("conftestsecret", {})
    assert "http://" in error.value.hint
