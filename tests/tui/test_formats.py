"""tui/formats.py: the Dapr API URL and the secretKeyRef snippet the palette copies."""

from __future__ import annotations

import pytest
import yaml

from tui.formats import api_url, secret_key_ref_yaml, yaml_scalar


def test_api_url_quotes_the_whole_name_as_one_path_segment():
    assert api_url("demo-file", "redis:password") == "http://localhost:3500/v1.0/secrets/demo-file/redis%3Apassword"
    assert api_url("vault", "team/db pass+1") == "http://localhost:3500/v1.0/secrets/vault/team%2Fdb%20pass%2B1"


def test_api_url_with_a_version_uses_the_version_id_metadata():
    assert api_url("akv", "db", "abc 1").endswith("/secrets/akv/db?metadata.version_id=abc%201")


@pytest.mark.parametrize("text", ["plain", "yes", "No", "on", "null", "123", "a: b", "#x", "- x", "'q'", 'say "hi"', "秘密", "tab\there", ""])
def test_yaml_scalars_read_back_as_the_same_string(text):
    assert yaml.safe_load(f"value: {yaml_scalar(text)}") == {"value": text}


def test_secret_key_ref_snippet_is_a_metadata_item_with_the_store_as_a_comment():
    snippet = secret_key_ref_yaml("demo-file", "redis:password", None)
    parsed = yaml.safe_load(snippet)
    assert parsed == [{"name": "redis:password", "secretKeyRef": {"name": "redis:password", "key": "redis:password"}}]
    assert "#   secretStore: demo-file" in snippet


def test_secret_key_ref_snippet_names_the_key_of_a_multi_key_secret():
    parsed = yaml.safe_load(secret_key_ref_yaml("demo-multi", "redis", "password"))
    assert parsed[0]["secretKeyRef"] == {"name": "redis", "key": "password"}


def test_api_url_of_a_name_that_is_not_utf8_keeps_its_bytes():
    """Issue #13: an environment variable name need not be UTF-8 (kept as surrogate escapes); the
    URL carries its original bytes instead of raising UnicodeEncodeError."""
    assert api_url("env", "bad\udcff") == "http://localhost:3500/v1.0/secrets/env/bad%FF"
    assert api_url("env", "x", version="v\udc80") == "http://localhost:3500/v1.0/secrets/env/x?metadata.version_id=v%80"


def test_api_url_of_a_running_sidecar():
    assert api_url("s", "n", base="http://127.0.0.1:3501") == "http://127.0.0.1:3501/v1.0/secrets/s/n"
