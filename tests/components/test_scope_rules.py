"""The Scopes view's rows (§1.7): what each says must agree with the rule that decides one name
(config.decide, daprd's SecretsScope.IsSecretAllowed in dapr:pkg/config/configuration.go)."""

from __future__ import annotations

import pytest

from dapr_secrets.components.config import decide
from dapr_secrets.components.model import Configuration, SecretScope, Source
from dapr_secrets.components.scope_rules import scope_rows

WHERE = Source("config.yaml", 9)


def rows_for(*scopes: SecretScope, stores: tuple[str, ...] = ("vault",)):
    return scope_rows(Configuration(scopes=scopes), stores)


def test_a_store_without_an_entry_gives_every_secret():
    (row,) = rows_for(stores=("vault",))
    assert (row.store, row.effect, row.source) == ("vault", "every secret (no scope for this store)", None)
    assert decide(Configuration(), "vault", "anything").allowed


@pytest.mark.parametrize(
    ("scope", "effect", "ignored", "allowed_names", "refused_names"),
    [
        # TestIsSecretAllowed: deny + allowed[key1] -> key1 allowed; allow + allowed[key1] -> key2 denied
        (SecretScope("vault", "deny", ("key1",), (), WHERE), "only the 1 allowed secret",
         "defaultAccess ignored: a non-empty allowedSecrets alone decides", ["key1"], ["key2"]),
        (SecretScope("vault", "", ("a", "b"), ("a",), WHERE), "only the 2 allowed secrets",
         "deniedSecrets ignored: a non-empty allowedSecrets alone decides", ["a", "b"], ["c"]),
        # "DeNy" in any case refuses everything, even the empty name
        (SecretScope("vault", "DeNy", (), ("x",), WHERE), "no secret (defaultAccess deny)",
         "deniedSecrets adds nothing: defaultAccess deny already refuses every name", [], ["", "x", "y"]),
        (SecretScope("vault", "AllOw", (), ("key1",), WHERE), "every secret except the 1 denied", "", ["key2", ""], ["key1"]),
        (SecretScope("vault", "", (), (), WHERE), "every secret (the entry restricts nothing)", "", ["random", ""], []),
    ],
)
def test_each_row_says_what_the_secrets_api_decides(scope, effect, ignored, allowed_names, refused_names):
    (row,) = rows_for(scope)
    assert (row.effect, row.ignored, row.source, row.store_loaded) == (effect, ignored, WHERE, True)
    configuration = Configuration(scopes=(scope,))
    assert all(decide(configuration, "vault", name).allowed for name in allowed_names)
    assert not any(decide(configuration, "vault", name).allowed for name in refused_names)


def test_an_entry_naming_no_loaded_store_comes_last_and_says_daprd_only_logs_it():
    rows = rows_for(SecretScope("vualt", "deny", source=WHERE), stores=("vault", "env"))
    assert [row.store for row in rows] == ["vault", "env", "vualt"]
    assert not rows[-1].store_loaded
    assert "no secret store of this name is loaded" in rows[-1].effect
    assert rows[-1].source == WHERE


def test_stores_keep_the_given_order_and_appear_once():
    rows = rows_for(SecretScope("b", "deny"), stores=("c", "b", "a", "b"))
    assert [row.store for row in rows] == ["c", "b", "a"]
