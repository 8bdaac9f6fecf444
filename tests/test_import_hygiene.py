"""Startup imports no store SDK (DESIGN.md); the layering is import-linter's contract (make lint)."""

from __future__ import annotations

import pkgutil

from tests.helpers.imports import ROOT, SDK_MODULES, UI_MODULES, modules_after, top_level


def package_modules(package: str) -> list[str]:
    """Every module of the package, sub-packages included (backends.gcp.store...)."""
    return [info.name for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"dapr_secrets.{package}.")]


def test_components_and_backends_import_no_store_sdk_at_module_level():
    """The layering itself (no Textual or Rich below tui/) is import-linter's contract in pyproject.toml,
    run by `make lint`; an SDK imported inside a function is fine, so this one is checked by importing."""
    names = package_modules("components") + package_modules("backends")
    loaded = top_level(modules_after("\n".join(f"import {name}" for name in names)))
    assert not loaded & set(SDK_MODULES), f"a store SDK imported at module level: {loaded & set(SDK_MODULES)}"
    assert not loaded & set(UI_MODULES)  # also true of the layering, but cheap to see here


def test_the_headless_cli_imports_no_ui_and_no_store_sdk():
    loaded = top_level(modules_after(
        "import dapr_secrets.tui.cli, dapr_secrets.backends.runtime, dapr_secrets.backends.local_file, dapr_secrets.backends.local_env"
    ))
    assert not loaded & set(UI_MODULES + SDK_MODULES)


def test_the_huawei_sdk_and_its_heavy_dependencies_load_only_with_a_huawei_store():
    """huaweicloudsdkcore pulls pymongo (bson), simplejson, requests-toolbelt...: no module of ours, the
    TUI included, imports it; only opening a secretstores.huaweicloud.csms store does."""
    heavy = {"huaweicloudsdkcore", "huaweicloudsdkcsms", "pymongo", "bson", "simplejson", "requests_toolbelt"}
    names = package_modules("components") + package_modules("backends") + package_modules("tui")
    loaded = top_level(modules_after("\n".join(f"import {name}" for name in names)))
    assert not loaded & heavy, f"imported without a Huawei store: {loaded & heavy}"
    opened = top_level(modules_after(
        "from dapr_secrets.backends.huawei.store import _client\n_client('a', 's', 'p', 'https://kms.cn-north-4.myhuaweicloud.com', True)"
    ))
    assert {"huaweicloudsdkcore", "huaweicloudsdkcsms"} <= opened  # the check above can fail


def test_looking_up_an_aws_store_does_not_import_boto3():
    # boto3 is imported when such a store is opened, not when its type is looked up
    code = "from dapr_secrets.backends import registry; registry.lookup('secretstores.aws.secretmanager', 'v1')"
    assert not top_level(modules_after(code)) & {"boto3", "botocore"}


def _modules_of_a_listing(tmp_path) -> set[str]:
    """Every module a fresh interpreter holds after `dapr-secrets list` ran whole on a local.file store.
    tomllib only loads when a user config file exists; none does here."""
    (tmp_path / "secrets.json").write_text('{"a": {"b": "1"}}')
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "s.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec:\n  type: secretstores.local.file\n"
        f"  metadata:\n  - name: secretsFile\n    value: {tmp_path / 'secrets.json'}\n"
    )
    code = (
        "import io, os, contextlib\n"
        f"os.environ['XDG_CONFIG_HOME'] = {str(tmp_path / 'no-config')!r}\n"
        "from dapr_secrets.tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['list', 's', '--resources-path', {str(tmp_path / 'c')!r}]) == 0\n"
        "assert out.getvalue() == 'a:b\\n', out.getvalue()\n"
    )
    return modules_after(code)


def test_the_headless_list_of_a_file_store_imports_no_ui_no_toml_parser_and_no_store_sdk(tmp_path):
    """`dapr-secrets list` on a local.file store, run whole: nothing the listing does not use (issue #16)."""
    loaded = top_level(_modules_of_a_listing(tmp_path))
    assert "dapr_secrets" in loaded  # the check below can fail
    assert not loaded & {*UI_MODULES, *SDK_MODULES, "tomllib"}, loaded & {*UI_MODULES, *SDK_MODULES, "tomllib"}


FIRST_FRAME_MODULES = """
import asyncio, json, sys
from textual.screen import Screen
from dapr_secrets.tui.cli import build_parser, options_from_args
from dapr_secrets.tui.app import DaprSecretsApp, UiSettings
refresh, seen = Screen._compositor_refresh, []
def first_frame(screen):
    refresh(screen)
    seen.append(seen or sorted(sys.modules))
Screen._compositor_refresh = first_frame
async def main():
    args = build_parser().parse_args(["--resources-path", "examples/components"])
    async with DaprSecretsApp(options_from_args(args), UiSettings(), None).run_test() as pilot:
        while not seen:
            await pilot.pause()
asyncio.run(main())
print(json.dumps(seen[0]))
"""


def test_the_tuis_first_frame_imports_no_store_sdk_no_yaml_and_not_the_main_screen():
    """Started as the command line starts it, the first frame (the start screen) comes before any
    component file is read (YAML) and before the main screen's modules are imported (issue #16)."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", FIRST_FRAME_MODULES], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not top_level(loaded) & set(SDK_MODULES + ("yaml",)), top_level(loaded) & set(SDK_MODULES + ("yaml",))
    assert "textual.screen" in loaded and "dapr_secrets.tui.screens.start" in loaded  # the probe saw the first frame
    late = {"dapr_secrets.tui.screens.main", "dapr_secrets.tui.commands", "dapr_secrets.tui.widgets.detail",
            "dapr_secrets.components.loader"}
    assert not loaded & late, loaded & late


# Everything `list` may import beyond what the interpreter itself loads (issue #16: every import is paid by
# every listing, ~1 ms for a light module, 5-20 ms for a heavy one). The interpreter's own set depends on the
# install (an editable one loads pathlib and re for its finder), so these are what a bare `python -S` lacks.
# Not here, measured: dataclasses + inspect (~6 ms, and ~0.5 ms a generated class: components/record.py),
# typing (~2 ms), shutil with zlib/bz2/lzma (~2 ms: tui/cli_help.py HelpFormatter), tomllib.
LIST_PATH_STDLIB = {
    "__future__", "_collections", "_collections_abc", "_datetime", "_functools", "_json", "_locale", "_operator", "_sre",
    "_stat", "_struct", "_weakrefset", "argparse", "base64", "binascii", "collections", "contextlib", "copyreg", "datetime",
    "enum", "errno", "fnmatch", "functools", "gc", "genericpath", "gettext", "importlib", "ipaddress", "itertools", "json",
    "keyword", "locale", "math", "ntpath", "operator", "os", "pathlib", "posixpath", "re", "reprlib", "stat", "struct",
    "threading", "types", "urllib", "warnings",
    "yaml", "cython_runtime",  # PyYAML and its libyaml binding (also `_cython_<version>`)
}
LIST_PATH_OURS = {
    "dapr_secrets", "dapr_secrets.backends", "dapr_secrets.backends.base", "dapr_secrets.backends.local_file",
    "dapr_secrets.backends.metadata", "dapr_secrets.backends.redaction", "dapr_secrets.backends.registry",
    "dapr_secrets.backends.resources", "dapr_secrets.backends.runtime", "dapr_secrets.components",
    "dapr_secrets.components.config", "dapr_secrets.components.config_decoding", "dapr_secrets.components.files",
    "dapr_secrets.components.golang", "dapr_secrets.components.gostructs", "dapr_secrets.components.loader",
    "dapr_secrets.components.loader_diagnostics", "dapr_secrets.components.model", "dapr_secrets.components.record",
    "dapr_secrets.components.references", "dapr_secrets.components.values", "dapr_secrets.tui", "dapr_secrets.tui.cli",
    "dapr_secrets.tui.cli_audit", "dapr_secrets.tui.cli_diff", "dapr_secrets.tui.cli_help", "dapr_secrets.tui.completion",
    "dapr_secrets.tui.escape", "dapr_secrets.tui.user_config", "dapr_secrets.tui.version",
    # the packages of backends that declare command-line options (registry.declared_options): their __init__ only
    "dapr_secrets.backends.alibaba", "dapr_secrets.backends.aws", "dapr_secrets.backends.azure_keyvault",
    "dapr_secrets.backends.gcp", "dapr_secrets.backends.huawei", "dapr_secrets.backends.tencent", "dapr_secrets.backends.vault",
}


def test_the_headless_list_imports_only_the_modules_pinned_here(tmp_path):
    """A new import on the listing path fails here: make it lazy, or add it above with what it costs."""
    loaded = _modules_of_a_listing(tmp_path) - modules_after("pass")
    ours = {name for name in loaded if name.split(".")[0] == "dapr_secrets"}
    assert ours <= LIST_PATH_OURS, f"new on the `list` path: {sorted(ours - LIST_PATH_OURS)}"
    others = {name for name in top_level(loaded - ours) if not name.startswith("_cython_")}
    assert others <= LIST_PATH_STDLIB, f"new on the `list` path: {sorted(others - LIST_PATH_STDLIB)}"
    assert {"dapr_secrets.backends.local_file", "yaml"} <= loaded  # the checks above can fail
    assert not loaded & {"dataclasses", "inspect", "typing", "shutil", "tomllib"}  # the measured ones, by name
