"""secretstores.local.env against every rule and contrib unit/conformance/certification case of
dapr-behaviour.md §3.2. The environment is daprd's, given through StoreContext.env."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dapr_secrets.backends.base import StoreContext, StoreMisconfigured
from dapr_secrets.backends.local_env import PAGE_SIZE, LocalEnvStore
from dapr_secrets.components.model import Severity, Source


def make_store(env: Mapping[str, str], **properties: str) -> LocalEnvStore:
    return LocalEnvStore("env-store", properties, StoreContext(env=env, cwd="/"))


def all_names(store: LocalEnvStore) -> list[str]:
    return [entry.name for page in store.list_names() for entry in page]


# ----- contrib envstore_test.go TestEnvStore


def test_s3_2_get_returns_the_variable() -> None:
    """TestEnvStore: Init with empty metadata; GET TEST_SECRET."""
    store = make_store({"TEST_SECRET": "secret1"})
    assert store.get_secret("TEST_SECRET", {}) == {"TEST_SECRET": "secret1"}


def test_s3_2_get_is_case_sensitive_on_linux() -> None:
    """TestEnvStore "Get is case-sensitive on *nix": test_secret -> "" and no error."""
    store = make_store({"TEST_SECRET": "secret1"})
    assert store.get_secret("test_secret", {}) == {"test_secret": ""}


def test_s3_2_bulk_get() -> None:
    """TestEnvStore "Bulk get"."""
    store = make_store({"TEST_SECRET": "secret1"})
    assert store.bulk_get({})["TEST_SECRET"]["TEST_SECRET"] == "secret1"


DISALLOWED_ENV = {
    "TEST_SECRET": "secret1",
    "APP_API_TOKEN": "ciao",
    "DAPR_API_TOKEN": "mondo",
    "dapr_notallowed": "notallowed",
    "FOO": "bar",
}


@pytest.mark.parametrize("name", ["APP_API_TOKEN", "dapr_notallowed", "DAPR_NOTALLOWED", "app_api_token", "DAPR_API_TOKEN"])
def test_s3_2_denied_names_answer_empty_not_error(name: str) -> None:
    """TestEnvStore "Disallowed keys" Get: the map is there, the value is empty."""
    assert make_store(DISALLOWED_ENV).get_secret(name, {}) == {name: ""}


def test_s3_2_bulk_skips_denied_names() -> None:
    """TestEnvStore "Disallowed keys" Bulk get."""
    bulk = make_store(DISALLOWED_ENV).bulk_get({})
    assert bulk == {"TEST_SECRET": {"TEST_SECRET": "secret1"}, "FOO": {"FOO": "bar"}}


# ----- contrib TestEnvStoreWithPrefix

PREFIX_ENV = {"TEST_SECRET": "test1", "test_secret2": "test2", "FOO_SECRET": "foo1", "DAPR_API_TOKEN": "hi"}


def test_s3_2_prefix_is_prepended_for_get() -> None:
    """TestEnvStoreWithPrefix Get: prefix TEST_, GET SECRET -> exactly one entry."""
    assert make_store(PREFIX_ENV, prefix="TEST_").get_secret("SECRET", {}) == {"SECRET": "test1"}


def test_s3_2_bulk_strips_the_prefix_case_sensitively() -> None:
    """TestEnvStoreWithPrefix Bulk get on non-Windows: exactly {"SECRET": {"SECRET": "test1"}}."""
    assert make_store(PREFIX_ENV, prefix="TEST_").bulk_get({}) == {"SECRET": {"SECRET": "test1"}}


@pytest.mark.parametrize("prefix", ["DAPR_", "dapr_"])
def test_s3_2_denied_check_is_on_the_full_upper_cased_name(prefix: str) -> None:
    """TestEnvStoreWithPrefix Disallowed keys: prefix DAPR_/dapr_, GET API_TOKEN -> ""; bulk has no API_TOKEN."""
    store = make_store(PREFIX_ENV, prefix=prefix)
    assert store.get_secret("API_TOKEN", {}) == {"API_TOKEN": ""}
    assert "API_TOKEN" not in store.bulk_get({})
    assert all_names(store) == []


def test_s3_2_app_api_token_with_prefix_is_denied() -> None:
    """The full name APP_API_TOKEN is denied even when it is made of prefix + name."""
    store = make_store({"APP_API_TOKEN": "x", "APP_OTHER": "y"}, prefix="APP_")
    assert store.get_secret("API_TOKEN", {}) == {"API_TOKEN": ""}
    assert store.bulk_get({}) == {"OTHER": {"OTHER": "y"}}


def test_s3_2_missing_variable_is_empty_not_error() -> None:
    """§3.2: a missing variable is not an error: {name: ""} (HTTP 200 {"X":""})."""
    assert make_store({}).get_secret("X", {}) == {"X": ""}


def test_s3_2_variable_equal_to_prefix_is_skipped_in_bulk() -> None:
    """§3.2: only variables longer than the prefix count."""
    store = make_store({"APP_": "bare", "APP_KEY": "k", "OTHER": "o"}, prefix="APP_")
    assert store.bulk_get({}) == {"KEY": {"KEY": "k"}}
    assert store.get_secret("", {}) == {"": "bare"}  # GET has no such rule: prefix + "" is read


def test_s3_2_empty_prefix_bulk_returns_every_allowed_variable() -> None:
    env = {"B": "2", "A": "1", "DAPR_HTTP_PORT": "3500"}
    assert make_store(env).bulk_get({}) == {"B": {"B": "2"}, "A": {"A": "1"}}


def test_s3_2_no_features_and_no_separator() -> None:
    """TestGetFeatures: no MULTIPLE_KEY_VALUES_PER_SECRET."""
    store = make_store({})
    assert store.multi_valued is False
    assert store.name_separator is None


def test_s3_2_prefix_metadata_name_is_case_insensitive() -> None:
    assert make_store({"X_K": "v"}, PREFIX="X_").get_secret("K", {}) == {"K": "v"}


def test_s3_two_spellings_of_prefix_are_an_init_error() -> None:
    with pytest.raises(StoreMisconfigured, match="key prefix is duplicate"):
        make_store({}, prefix="A", Prefix="B")


def test_s5_conformance_local_env() -> None:
    """§5 conformance: GET conftestsecret; bulk contains both."""
    store = make_store({"conftestsecret": "abcd", "secondsecret": "efgh", "PATH": "/bin"})
    assert store.get_secret("conftestsecret", {}) == {"conftestsecret": "abcd"}
    bulk = store.bulk_get({})
    assert bulk["conftestsecret"] == {"conftestsecret": "abcd"}
    assert bulk["secondsecret"] == {"secondsecret": "efgh"}


def test_s3_2_certification_local_env() -> None:
    """contrib certification local/env: certtestsecret=abcd."""
    assert make_store({"certtestsecret": "abcd"}).get_secret("certtestsecret", {}) == {"certtestsecret": "abcd"}


# ----- browsing


def test_list_names_sorted_pages_matching_bulk() -> None:
    env = {f"DEMO_K{i:04d}": "v" for i in range(PAGE_SIZE + 3)} | {"OTHER": "x", "DEMO_": "bare"}
    store = make_store(env, prefix="DEMO_")
    pages = list(store.list_names())
    assert [len(page) for page in pages] == [PAGE_SIZE, 3]
    assert all_names(store) == sorted(store.bulk_get({}))


def test_describe_says_denied_unset_or_empty_without_values() -> None:
    store = make_store({"X_SET": "value-123", "X_EMPTY": ""}, prefix="X_")
    assert store.describe("SET").attributes == {"variable": "X_SET"}
    assert store.describe("SET").notes == ()
    assert "value-123" not in repr(store.describe("SET"))
    assert "not set" in store.describe("MISSING").notes[0]
    assert store.describe("EMPTY").notes == ("set, but empty",)
    denied = make_store({"DAPR_X": "v"}, prefix="dapr_").describe("X")
    assert "denied by Dapr" in denied.notes[0]


def test_diagnostics_prefix_dapr_exposes_nothing() -> None:
    source = Source("components/env.yaml", 2)
    store = LocalEnvStore("e", {"prefix": "Dapr_"}, StoreContext(env={"DAPR_HOST": "h"}, cwd="/", component_source=source))
    [warning] = store.diagnostics()
    assert (warning.severity, warning.code, warning.source, warning.component) == (
        Severity.WARNING,
        "env-prefix-denied",
        source,
        "e",
    )


def test_diagnostics_prefix_matching_nothing_is_noted() -> None:
    assert [d.code for d in make_store({"OTHER": "x"}, prefix="DEMO_").diagnostics()] == ["env-prefix-empty"]
    assert make_store({"DEMO_A": "x"}, prefix="DEMO_").diagnostics() == []
    assert make_store({}).diagnostics() == []


@given(
    env=st.dictionaries(st.text(alphabet="ADEMOPR_Tdapr0", min_size=1, max_size=8), st.text(max_size=5), max_size=8),
    prefix=st.sampled_from(["", "DEMO_", "D", "dapr_", "APP_"]),
)
def test_bulk_get_and_list_and_get_agree(env: dict[str, str], prefix: str) -> None:
    """Whatever the environment: every bulk entry is what GET answers, and list_names = bulk names."""
    store = make_store(env, prefix=prefix)
    bulk = store.bulk_get({})
    assert sorted(bulk) == all_names(store)
    for name, data in bulk.items():
        assert store.get_secret(name, {}) == data
        assert not (prefix + name).upper().startswith("DAPR_")
