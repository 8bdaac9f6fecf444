"""The store contract (backends/base.py), held by every store type against its live fake or real
server: paging, result shapes, typed errors, no value in any message, no value read while listing,
timeouts honoured. Each store type is one entry of tests/helpers/contract_stores.py."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import pytest

from dapr_secrets.backends import registry
from dapr_secrets.backends.base import (
    AccessDenied,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
    walk_names,
)
from tests.helpers.contract import CANARY, MISSING, PAGE, SEED, TIMEOUT, Subject, closed_port, hanging_server
from tests.helpers.contract_stores import STORES


def listing(store: SecretStore) -> list[list[SecretEntry]]:
    return [list(page) for page in store.list_names()]


def assert_no_value(text: str, where: str) -> None:
    assert CANARY not in text, f"a secret value leaked into {where}: {text!r}"


def test_every_registered_store_type_is_in_the_contract_suite():
    supported = {short for short, target in registry.SECRET_STORE_TYPES.items() if target is not None}
    assert supported == set(STORES)


# ----- result shapes and paging


def test_list_names_pages_every_name_without_values(subject: Subject):
    pages = listing(subject.store)
    names = [entry.name for page in pages for entry in page]
    assert sorted(names) == sorted(SEED)  # every name, once
    for page in pages:
        for entry in page:
            assert isinstance(entry, SecretEntry) and isinstance(entry.name, str) and entry.is_folder is False
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in entry.info.items())
            assert_no_value(repr(entry), "a listing row")
    if subject.pages:
        assert len(pages) >= 2 and all(len(page) <= max(PAGE, 10) for page in pages), [len(p) for p in pages]
    else:
        assert subject.no_paging_because and len(pages) == 1


def test_walk_names_yields_every_name(subject: Subject):
    assert sorted(name for page in walk_names(subject.store) for name in page) == sorted(SEED)
    loaded = subject.store.loaded_names()
    assert loaded is None or sorted(loaded) == sorted(SEED)  # None: "use list_names"


def test_a_listing_may_be_abandoned_after_its_first_page(subject: Subject):
    pages = subject.store.list_names()
    first = next(pages)
    pages.close()  # the user moved on: the store must not mind
    assert first and set(entry.name for entry in first) <= set(SEED)
    assert subject.store.get_secret(next(iter(SEED)), subject.read_metadata) == subject.expected_get(next(iter(SEED)))


def test_get_secret_is_daprs_key_value_map(subject: Subject):
    for name in SEED:
        value = subject.store.get_secret(name, subject.read_metadata)
        assert value == subject.expected_get(name)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def test_bulk_get_returns_every_secret_across_pages(subject: Subject):
    bulk = subject.store.bulk_get(subject.read_metadata)
    assert bulk == subject.expected_bulk()


# ----- no value read while listing


def test_listing_reads_no_value(subject: Subject):
    if subject.value_reads is None:
        # The store's data is in memory with its values (a file read whole, daprd's environment): assert
        # that listing adds nothing to it and say why no read can be avoided.
        assert subject.values_listed_because
        assert sorted(entry.name for page in listing(subject.store) for entry in page) == sorted(SEED)
        return
    before = subject.value_reads()
    listing(subject.store)
    list(walk_names(subject.store))
    assert subject.value_reads() == before
    subject.store.get_secret(next(iter(SEED)), subject.read_metadata)
    assert subject.value_reads() > before  # the counter sees a read: the check above can fail


def test_last_changed_reads_no_value_and_is_utc_or_unknown(subject: Subject):
    """The age column and diff ask every store when a secret last changed: never through a value."""
    name = next(iter(SEED))
    before = subject.value_reads() if subject.value_reads is not None else 0
    changed = subject.store.last_changed(name)
    if subject.value_reads is not None:
        assert subject.value_reads() == before
    if changed is not None:
        assert changed.when.utcoffset() == timedelta(0) and changed.source
        assert_no_value(repr(changed), "last_changed")


# ----- typed errors


def test_a_missing_secret_is_secret_not_found(subject: Subject):
    if subject.store.__class__.__name__ == "LocalEnvStore":
        # contrib local.env GetSecret: os.Getenv, so a missing variable is an empty value, not an error
        assert subject.store.get_secret(MISSING, {}) == {MISSING: ""}
        return
    with pytest.raises(SecretNotFound) as raised:
        subject.store.get_secret(MISSING, subject.read_metadata)
    assert raised.value.kind == "not_found"
    assert_no_value(f"{raised.value.message} {raised.value.hint} {raised.value!r}", "a not-found error")


def test_a_refused_read_is_access_denied(subject: Subject):
    if subject.denied is None:
        pytest.skip(f"no access control: {subject.no_access_control_because}")
    store = subject.denied()
    with pytest.raises(AccessDenied) as raised:
        store.get_secret(next(iter(SEED)), subject.read_metadata)
    assert raised.value.kind == "denied"
    assert_no_value(f"{raised.value.message} {raised.value.hint} {raised.value!r}", "an access-denied error")


def test_an_unreachable_server_is_store_unreachable(subject: Subject):
    if subject.open_at is None:
        pytest.skip(subject.no_network_because)
    with pytest.raises(StoreUnreachable) as raised:
        subject.open_at(closed_port()).get_secret(next(iter(SEED)), subject.read_metadata)
    assert raised.value.kind == "unreachable"


def test_a_hung_server_fails_the_call_within_the_timeout(subject: Subject):
    """The server accepts the connection and never answers: only the store's own timeout can end the
    call, after `attempts` tries of TIMEOUT each (plus the SDK's backoff). The join's bound is ten
    times that: it keeps a store without a timeout from hanging the suite, it is no speed claim."""
    if subject.open_at is None:
        pytest.skip(subject.no_network_because)
    outcome: list[BaseException] = []
    with hanging_server() as port:

        def call() -> None:
            try:
                subject.open_at(port).get_secret(next(iter(SEED)), subject.read_metadata)
            except BaseException as error:  # noqa: BLE001 - handed to the test thread
                outcome.append(error)

        started = time.monotonic()
        thread = threading.Thread(target=call, daemon=True)
        thread.start()
        thread.join(10 * subject.attempts * TIMEOUT + 20)
        elapsed = time.monotonic() - started
    assert outcome, f"the call still hangs after {elapsed:.0f} s with a {TIMEOUT:g} s timeout and {subject.attempts} attempts"
    assert isinstance(outcome[0], (StoreTimeout, StoreUnreachable)), repr(outcome[0])
    print(f"hung server: {type(outcome[0]).__name__} after {elapsed:.1f} s ({subject.attempts} x {TIMEOUT:g} s)")


# ----- no value in any message


def test_no_value_reaches_errors_reprs_or_logs(subject: Subject, caplog: pytest.LogCaptureFixture):
    # Ours at every level; the SDKs' from INFO: at DEBUG botocore and the Tencent SDK log response bodies,
    # values included, but the tool never turns their DEBUG logging on (it configures no logging).
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="dapr_secrets")
    store = subject.store
    texts = [repr(store), str(store), store.identity()]
    for name in (next(iter(SEED)), MISSING):
        try:
            texts.append(repr(store.describe(name)))
        except StoreError as error:
            texts += [error.message, error.hint, repr(error)]
        try:
            store.get_secret(name, {store.version_key: "no-such-version"})
        except StoreError as error:
            texts += [error.message, error.hint, repr(error)]
    texts += [f"{d.message} {d.hint}" for d in store.diagnostics()]
    store.bulk_get(subject.read_metadata)
    for text in texts:
        assert_no_value(text, "a message")
    for record in caplog.records:
        assert_no_value(record.getMessage(), f"the log ({record.name})")
