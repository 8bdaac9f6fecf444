"""tui/formats.py: the Dapr API URL and the secretKeyRef snippet the palette copies."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

import pytest
import yaml

from dapr_secrets.tui.formats import api_url, secret_key_ref_yaml, yaml_scalar


def test_api_url_quotes_the_whole_name_as_one_path_segment():
    assert api_url("demo-file", "redis:password") == "http://localhost:3500/v1.0/secrets/demo-file/redis%3Apassword"
    assert api_url("vault", "team/db pass+1") == "http://localhost:3500/v1.0/secrets/vault/team%2Fdb%20pass%2B1"


def _daprd_routes(url: str) -> tuple[str, str | None]:
    """What daprd's router makes of the URL: path.Clean on the escaped path (CleanPathMiddleware),
    then chi matches the static `bulk` route first, else `{key}` decoded once."""
    path = url.removeprefix("http://localhost:3500").partition("?")[0]
    cleaned = posixpath.normpath(path)  # Go's path.Clean for an absolute path
    parts = cleaned.split("/")
    if len(parts) != 5 or parts[:3] != ["", "v1.0", "secrets"]:
        return "404", None
    if parts[4] == "bulk":
        return "bulk", None
    return "get", unquote(parts[4], errors="surrogateescape")


@pytest.mark.parametrize("name", ["50%", "a%2Fb", "%", "%25", "a/b", "a+b c", "秘密", "x\udcff"])
def test_s4_r3_names_with_percent_are_reachable_decoded_exactly_once(name):
    # dapr:pkg/api/http/middlewares.go CleanPathMiddleware routes on path.Clean(r.URL.EscapedPath()):
    # the {key} segment is decoded once, so `%` must be sent as %25 and then arrives as `%`.
    url = api_url("vault", name)
    assert _daprd_routes(url) == ("get", name)
    if name == "50%":
        assert url.endswith("/secrets/vault/50%25")


@pytest.mark.parametrize("name", [".", ".."])
def test_s4_r3_dot_segments_are_encoded_because_path_clean_removes_them(name):
    # CleanPathMiddleware: path.Clean drops an unencoded `.` segment and `..` eats the store (404).
    assert _daprd_routes(f"http://localhost:3500/v1.0/secrets/vault/{name}")[0] != "get"
    url = api_url("vault", name)
    assert url.endswith("/secrets/vault/" + "%2E" * len(name))
    assert _daprd_routes(url) == ("get", name)


def test_s4_r1_a_secret_named_bulk_is_reachable_as_percent_62ulk():
    # dapr:pkg/api/http/http.go: the static /secrets/{store}/bulk route wins over /{key}, but it matches
    # the escaped path, so any percent-encoded letter reaches the single-secret route.
    assert _daprd_routes(api_url("vault", "bulk")) == ("get", "bulk")
    assert api_url("vault", "bulk").endswith("/secrets/vault/%62ulk")
    assert api_url("bulk", "x").endswith("/secrets/bulk/x")  # a store named bulk needs nothing


def test_api_url_with_a_version_uses_the_version_id_metadata():
    assert api_url("akv", "db", "abc 1").endswith("/secrets/akv/db?metadata.version_id=abc%201")


@pytest.mark.parametrize(
    "text", ["plain", "yes", "No", "on", "null", "123", "a: b", "#x", "- x", "'q'", 'say "hi"', "秘密", "tab\there", ""]
)
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


def test_s4_r4_the_detail_pane_says_the_secrets_endpoint_is_not_served(tmp_path):
    # dapr:pkg/api/http/server.go setupRoutes: an endpoint spec.api removes is not routed (404), whatever
    # the secret scopes say; the detail pane's API line must not claim "allowed".
    from types import SimpleNamespace

    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
    from dapr_secrets.components.config import load_configuration
    from dapr_secrets.tui.app import DaprSecretsApp

    config = tmp_path / "c.yaml"
    config.write_text("spec:\n  api:\n    denied:\n    - {name: secrets, version: v1, protocol: http}\n")
    configuration, _ = load_configuration([str(config)], {})
    runtime = Runtime(RuntimeOptions(resources_paths=(), config_files=(str(config),), env={}), [], [], configuration)
    fake_app = SimpleNamespace(runtime=runtime, _scopes_shown=lambda: True)
    text = DaprSecretsApp.scope_text(fake_app, "s", "x").plain
    assert "not served (404)" in text and "allowed" not in text
