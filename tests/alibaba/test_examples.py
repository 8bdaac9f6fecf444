"""The components in examples/alibaba open with the credentials their comments promise."""

from __future__ import annotations

from pathlib import Path

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.components.loader import load_resources
from tests.fakes.oos_server import OosServer

EXAMPLES = Path(__file__).parents[2] / "examples" / "alibaba" / "components"


def test_examples_load_cleanly() -> None:
    result = load_resources([str(EXAMPLES)])
    assert result.diagnostics == []
    assert sorted(c.name for c in result.components) == ["alibaba-access-key", "alibaba-env", "alibaba-no-secret", "alibaba-sts"]


def test_examples_open_as_their_comments_say(local_oos: None, oos: OosServer, tmp_path: Path) -> None:
    oos.add("/prod/db", "v")
    oos.keys.update({"LTAI5tUserKey0000001": "user-secret", "STS.NTempKey000001": "sts-secret"})
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tUserKey0000001",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "user-secret",
        "ALIBABA_CLOUD_STS_ACCESS_KEY_ID": "STS.NTempKey000001",
        "ALIBABA_CLOUD_STS_ACCESS_KEY_SECRET": "sts-secret",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "token",
    }
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(EXAMPLES),), env=env, cwd=str(tmp_path)))
    try:
        runtime.start()
        for name in ("alibaba-access-key", "alibaba-sts"):
            assert runtime.api_get(name, "/prod/db").text() == '{"/prod/db":"v"}\n', name
        refused = runtime.api_get("alibaba-no-secret", "/prod/db")
        assert refused.status == 500 and "Code: MissingAccessKeyId" in refused.body["message"]
        assert [(r.access_key_id, r.security_token) for r in oos.value_requests()] == [
            ("LTAI5tUserKey0000001", ""), ("STS.NTempKey000001", "token"), ("", "")
        ]
        warnings = [d for d in runtime.doctor() if d.code == "alibaba-no-credential"]
        assert [d.component for d in warnings] == ["alibaba-no-secret"]
    finally:
        runtime.close()
