"""The components in examples/tencent open and read as their comments promise."""

from __future__ import annotations

from pathlib import Path

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.components.loader import load_resources
from tests.fakes.tencent_server import TencentSsmServer
from tests.helpers.tencent import SECRET_ID, SECRET_KEY

EXAMPLES = Path(__file__).parents[2] / "examples" / "tencent" / "components"


def test_examples_load_cleanly() -> None:
    result = load_resources([str(EXAMPLES)])
    assert result.diagnostics == []
    assert sorted(c.name for c in result.components) == ["tencent-env", "tencent-ssm", "tencent-sts"]


def test_examples_open_as_their_comments_say(local_tencent: None, ssm: TencentSsmServer, tmp_path: Path) -> None:
    ssm.add_key("AKIDtemporary", "temporary-key", token="session-token")
    ssm.add_secret("db", ("v1", "v"))
    env = {
        "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
        "TENCENTCLOUD_TMP_SECRET_ID": "AKIDtemporary", "TENCENTCLOUD_TMP_SECRET_KEY": "temporary-key",
        "TENCENTCLOUD_SESSION_TOKEN": "session-token",
    }
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(EXAMPLES),), env=env, cwd=str(tmp_path)))
    try:
        runtime.start()
        for name in ("tencent-ssm", "tencent-sts"):
            assert runtime.api_get(name, "db", {"VersionID": "v1"}).body["db"] == "v", name
        assert [r.secret_id for r in ssm.value_requests()] == [SECRET_ID, "AKIDtemporary"]
    finally:
        runtime.close()
