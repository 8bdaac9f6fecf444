"""Value-blind version changes (issue #12) on Key Vault: the real SecretClient against the local Key
Vault fake. A Key Vault secret has one key (its name): a version either changed it or did not; a
disabled version is said, not compared."""

from __future__ import annotations

import time

import pytest

from dapr_secrets.backends.versions import version_changes
from tests.fakes.keyvault_server import KeyVaultServer
from tests.helpers.azure import OpenStore

pytestmark = pytest.mark.usefixtures("local_azure")

NOW = int(time.time())


def test_key_vault_versions_say_changed_or_not_and_when(open_store: OpenStore, vault: KeyVaultServer) -> None:
    first = vault.add_secret("api-key", "kv-canary-1", created=NOW - 400)
    same = vault.add_secret("api-key", "kv-canary-1", created=NOW - 300)
    disabled = vault.add_secret("api-key", "kv-canary-2", created=NOW - 200, enabled=False)
    last = vault.add_secret("api-key", "kv-canary-3", created=NOW - 100)
    store = open_store()
    changes = version_changes(store, "api-key", store.describe("api-key").versions)
    by_id = {change.version: change for change in changes}
    assert [change.version for change in changes] == [last, disabled, same, first]
    assert by_id[last].changed == ("api-key",)  # compared with `same`, across the disabled one
    assert by_id[disabled].unreadable == "it is disabled"
    assert by_id[same].summary() == "no change"
    assert by_id[first].first and by_id[first].added == ("api-key",)
    assert all(change.created for change in changes)
    text = "".join(change.summary() + str(change.to_json()) for change in changes)
    assert "kv-canary" not in text
