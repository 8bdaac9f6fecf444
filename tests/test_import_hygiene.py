"""Domain code never imports the UI, and startup imports no store SDK (DESIGN.md)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_MODULES = ("textual", "rich")
SDK_MODULES = ("hvac", "kubernetes", "azure", "requests", "google", "grpc", "proto", "tencentcloud")


def modules_after(code: str) -> set[str]:
    script = code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def package_modules(package: str) -> list[str]:
    """Every module of the package, sub-packages included (backends.gcp.store...)."""
    return [info.name for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")]


def test_components_and_backends_never_import_textual_or_rich():
    names = package_modules("components") + package_modules("backends")
    imports = "\n".join(f"import {name}" for name in names)
    loaded = top_level(modules_after(imports))
    assert not loaded & set(UI_MODULES), f"UI imported by domain code: {loaded & set(UI_MODULES)}"
    assert not loaded & set(SDK_MODULES), f"a store SDK imported at module level: {loaded & set(SDK_MODULES)}"


def test_the_headless_cli_imports_no_ui_and_no_store_sdk():
    loaded = top_level(modules_after("import tui.cli, backends.runtime, backends.local_file, backends.local_env"))
    assert not loaded & set(UI_MODULES + SDK_MODULES)
