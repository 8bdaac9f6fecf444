"""The release as a user gets it: build the sdist and, from it, the wheel; install the wheel into a
fresh virtual environment; run the CLI and the TUI from there, never from this checkout.

This catches what only a user would otherwise find: a wheel without its styles, an sdist without
the examples the README points to, an entry point that imports a test-only package.
Slow (tens of seconds, mostly pip): deselect with `-m "not packaging"`; `make test` runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from dapr_secrets.tui.version import COMPONENTS_CONTRIB_VERSION, DAPR_VERSION, __version__

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
DEMO_ARGS = ["--resources-path", "examples/components", "--config", "examples/config.yaml", "--app-id", "orders"]
# What a checkout holds that is not part of the source (a copy without them is a fresh clone).
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".hypothesis",
                                    ".pytest_cache", "benchmarks", "screenshots", "snapshot_report.html")


def run(command: list, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(kwargs.pop("env", {}))
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """sdist and wheel, built the way `python -m build` does (the wheel from the unpacked sdist),
    without build isolation so no build dependency is downloaded."""
    work = tmp_path_factory.mktemp("release")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    dist = work / "dist"
    done = run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source], cwd=work, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (sdist,) = dist.glob("dapr_secrets-*.tar.gz")
    (wheel,) = dist.glob("dapr_secrets-*.whl")
    return {"work": work, "sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def installed(built) -> Path:
    """A fresh virtual environment with the wheel (and its dependencies from the package index or
    pip's cache) installed: its bin folder."""
    venv = built["work"] / "venv"
    done = run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=built["work"], timeout=120)
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    done = run([sys.executable, "-m", "pip", "--python", python, "install", "-q", built["wheel"]],
               cwd=built["work"], timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return venv / "bin"


def test_both_artifacts_carry_the_version_from_its_one_source(built):
    assert built["wheel"].name.startswith(f"dapr_secrets-{__version__}-py3-none-any")
    assert built["sdist"].name == f"dapr_secrets-{__version__}.tar.gz"


def test_the_wheel_carries_styles_license_and_entry_point(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
        dist_info = f"dapr_secrets-{__version__}.dist-info"
        entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
    assert {f"dapr_secrets/{p.relative_to(ROOT)}" for p in (ROOT / "tui").rglob("*.tcss")} <= names
    assert f"{dist_info}/licenses/LICENSE" in names
    assert "License-Expression: Apache-2.0" in metadata
    assert re.search(r"^dapr-secrets = dapr_secrets\.tui\.cli:entry$", entry_points, re.M)
    assert not any(name.startswith(("tests/", "examples/")) for name in names)


def test_the_sdist_holds_every_example_the_readme_points_to(built):
    with tarfile.open(built["sdist"]) as sdist:
        top = built["sdist"].name.removesuffix(".tar.gz")
        names = {member.name.removeprefix(top + "/") for member in sdist.getmembers()}
    readme = (ROOT / "README.md").read_text()
    pointed = set(re.findall(r"\b(examples/[\w./-]*\w)", readme))
    assert pointed, "the README no longer points to an example"
    for path in sorted(pointed):
        assert path in names or any(n.startswith(path + "/") for n in names), f"{path} is not in the sdist"
    assert {"LICENSE", "CHANGELOG.md", "README.md", "Makefile"} <= names


def test_the_installed_command_prints_its_version(installed, tmp_path):
    done = run([installed / "dapr-secrets", "--version"], cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"dapr-secrets {__version__} (dapr {DAPR_VERSION}, components-contrib {COMPONENTS_CONTRIB_VERSION})"
    )


def test_the_installed_package_is_not_this_checkout(installed, tmp_path):
    done = run([installed / "python", "-c", "import dapr_secrets.tui as t; print(t.__file__)"], cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(installed.parent), done.stdout


def test_the_wheel_installs_one_namespaced_package_and_nothing_generic(built):
    with zipfile.ZipFile(built["wheel"]) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"dapr_secrets"}
    assert "dapr_secrets/tui/app.tcss" in archive.namelist()


def test_the_installed_doctor_answers_on_the_demo_as_the_checkout_does(installed):
    """Run from the demo's folder (local.file paths are relative to daprd's working directory)."""
    from_wheel = run([installed / "dapr-secrets", "doctor", *DEMO_ARGS], cwd=ROOT, timeout=120)
    from_checkout = run([sys.executable, "-m", "dapr_secrets.tui.cli", "doctor", *DEMO_ARGS], cwd=ROOT, timeout=120)
    assert "error(s)" in from_wheel.stdout, from_wheel.stderr
    assert (from_wheel.returncode, from_wheel.stdout) == (from_checkout.returncode, from_checkout.stdout)


def test_the_installed_completion_lists_demo_store_names(installed):
    done = run([installed / "dapr-secrets", "__complete", *DEMO_ARGS, "list", "--", "demo-"], cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ":words"
    assert "demo-file" in done.stdout.splitlines()


PILOT_SCRIPT = """
import asyncio, sys
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.tui.app import DaprSecretsApp, UiSettings

async def main():
    options = RuntimeOptions(resources_paths=("examples/components",), config_files=("examples/config.yaml",), app_id="orders")
    app = DaprSecretsApp(Runtime.load(options), UiSettings(clipboard_mode="off"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        sidebar = app.query_one("#sidebar")
        # Values set by tui/app.tcss only: without the stylesheet they stay at Textual's defaults.
        print("mounted", app.is_running, sidebar.is_mounted)
        print("styles", sidebar.styles.max_width, sidebar.styles.border_left[0])
        print("stylesheet", DaprSecretsApp.CSS_PATH)

asyncio.run(main())
"""


def test_the_installed_tui_mounts_with_its_styles(installed, tmp_path):
    script = tmp_path / "pilot.py"
    script.write_text(textwrap.dedent(PILOT_SCRIPT))
    done = run([installed / "python", script], cwd=ROOT, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines["mounted"] == "True True"
    assert lines["styles"] == "34 round"
    assert Path(lines["stylesheet"]).is_relative_to(installed.parent)
