"""Every store type whose SDK is an optional extra: without the extra, the store is listed as
unsupported with the install command (backends/base.py MissingExtra), in a fresh interpreter where the
SDK cannot be imported; with it, the SDK is imported only when such a store is opened, never by the
headless commands on another store. A new cloud store type joins with one row of EXTRAS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.runtime import LOCAL_ENV

ROOT = Path(__file__).resolve().parents[2]

# store type -> (component name, its metadata as YAML lines, the import blocked, package, extra)
EXTRAS = {
    "alicloud.parameterstore": ("oos", ["regionId: cn-hangzhou"], "alibabacloud_oos20190601", "alibabacloud-oos20190601", "alibaba"),
    "huaweicloud.csms": ("csms", ["region: cn-north-4"], "huaweicloudsdk", "huaweicloudsdkcsms", "huawei"),
    "gcp.secretmanager": ("gcpsm", ["project_id: p"], "google", "google-cloud-secret-manager", "gcp"),
    "tencentcloud.ssm": ("tencentssm", ["secretId: a", "secretKey: b"], "tencentcloud", "tencentcloud-sdk-python-ssm", "tencent"),
}

BLOCK_AND_OPEN = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == {blocked!r} or name.startswith(({blocked!r} + ".", {prefix!r})):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Block())
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
runtime = Runtime.load(RuntimeOptions(resources_paths=({folder!r},), env={{}}, cwd={folder!r}))
status = runtime.open({name!r})
print(status.state.value, "|", status.message, "|", status.hint)
"""


# store type -> the top-level modules its SDK brings (heavy dependencies included)
SDK_MODULES = {
    "alicloud.parameterstore": {"alibabacloud_oos20190601", "alibabacloud_tea_openapi", "darabonba", "alibabacloud_credentials"},
    "huaweicloud.csms": {"huaweicloudsdkcore", "huaweicloudsdkcsms", "pymongo", "simplejson", "bson", "requests_toolbelt"},
    "gcp.secretmanager": {"google", "grpc", "proto"},
    "tencentcloud.ssm": {"tencentcloud", "requests"},
}

LIST_AND_SHOW_MODULES = """
import sys, json
from dapr_secrets.tui.cli import main
main(['list', 'env', '--resources-path', {folder!r}])
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))
"""


def write_component(folder: Path, store_type: str) -> str:
    name, fields, *_ = EXTRAS[store_type]
    metadata = "".join(f"  - name: {field.split(': ')[0]}\n    value: {field.split(': ')[1]}\n" for field in fields)
    (folder / f"{name}.yaml").write_text(
        f"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n"
        f"  type: secretstores.{store_type}\n  version: v1\n  metadata:\n{metadata}"
    )
    return name


@pytest.mark.parametrize("store_type", list(EXTRAS))
def test_without_the_sdk_the_store_is_listed_with_the_install_command(tmp_path: Path, store_type: str) -> None:
    name = write_component(tmp_path, store_type)
    _, _, blocked, package, extra = EXTRAS[store_type]
    # huaweicloudsdk blocks every huaweicloudsdk* package (core and csms), as without the extra
    prefix = blocked if blocked == "huaweicloudsdk" else blocked + "."
    script = BLOCK_AND_OPEN.format(blocked=blocked, prefix=prefix, folder=str(tmp_path), name=name)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    install = f"pip install 'dapr-secrets[{extra}]'"
    assert out.stdout.strip() == f"unsupported | {package} is not installed: {install} | install the extra with {install}"


@pytest.mark.parametrize("store_type", list(SDK_MODULES))
def test_startup_and_headless_commands_import_no_sdk_of_a_store_not_opened(tmp_path: Path, store_type: str) -> None:
    """`list` on another store never loads this store type's SDK (the store is opened lazily)."""
    write_component(tmp_path, store_type)
    (tmp_path / "zz-env.yaml").write_text(LOCAL_ENV)
    script = LIST_AND_SHOW_MODULES.format(folder=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin"})
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "dapr_secrets" in loaded  # the command ran
    assert not loaded & SDK_MODULES[store_type]
