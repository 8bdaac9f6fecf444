"""The components in examples/huawei open, or crash, as their comments promise."""

from __future__ import annotations

from pathlib import Path

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.components.loader import load_resources
from tests.fakes.huawei_server import HuaweiServer
from tests.helpers.huawei import ACCESS_KEY, SECRET_KEY, daprd_env

EXAMPLES = Path(__file__).parents[2] / "examples" / "huawei" / "components"


def test_examples_load_cleanly() -> None:
    result = load_resources([str(EXAMPLES)])
    assert result.diagnostics == []
    assert sorted(c.name for c in result.components) == ["huawei-csms", "huawei-env", "huawei-unknown-region"]


def test_examples_open_as_their_comments_say(csms: HuaweiServer, tmp_path: Path) -> None:
    csms.add_secret("db", "v")
    env = {"HUAWEI_ACCESS_KEY": ACCESS_KEY, "HUAWEI_SECRET_KEY": SECRET_KEY, **daprd_env(csms)}
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(EXAMPLES),), env=env, cwd=str(tmp_path)))
    try:
        runtime.start()
        assert runtime.api_get("huawei-csms", "db", {"version_id": "latest"}).text() == '{"db":"v"}\n'
        crashed = runtime.status("huawei-unknown-region")
        assert crashed.state.value == "error"
        assert crashed.message == "daprd crashes: panic: unexpected regionId: ap-southeast-4"
    finally:
        runtime.close()
