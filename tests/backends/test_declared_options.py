"""A store type declares its own command-line options (issue #15): the CLI offers every declared
option and hands the choice to the stores by name, without naming any store type itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dapr_secrets.backends import registry
from dapr_secrets.backends.runtime import RuntimeOptions
from dapr_secrets.tui.cli import build_parser, options_from_args

ROOT = Path(__file__).resolve().parents[2]


def test_the_vault_option_is_declared_by_the_vault_package():
    from dapr_secrets.backends.vault import OPTIONS, TOKEN_FROM_ENV

    assert TOKEN_FROM_ENV in OPTIONS
    names = [option.name for option in registry.declared_options()]
    assert names.count("vault_token_from_env") == 1


def test_the_cli_offers_each_declared_option_and_passes_it_on_by_name():
    for option in registry.declared_options():
        on = options_from_args(build_parser().parse_args([option.flag]))
        off = options_from_args(build_parser().parse_args([]))
        assert on.store_options[option.name] is True
        assert off.store_options[option.name] is False
        # subcommands take the option too
        assert options_from_args(build_parser().parse_args(["list", "s", option.flag])).store_options[option.name] is True


def test_the_runtime_hands_the_options_to_every_store_it_opens(tmp_path):
    from dapr_secrets.backends.runtime import Runtime
    from dapr_secrets.components.model import Component

    runtime = Runtime(RuntimeOptions(resources_paths=(), env={}, cwd=str(tmp_path), store_options={"some_option": True}),
                      [Component("env", "secretstores.local.env")])
    runtime.start()
    store = runtime.store("env")
    assert store is not None and store.context.options == {"some_option": True}
    runtime.close()


def test_asking_for_declared_options_imports_no_store_module_and_no_sdk():
    code = (
        "import json, sys\nfrom dapr_secrets.backends import registry\nregistry.declared_options()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('hvac', 'requests', 'azure', 'boto3')) "
        "or m.endswith('.store'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []
