"""The test tree's own hygiene (issue #15): helpers live in helper modules (tests/helpers, tests/fakes,
...), so no test module imports from a conftest.py or from another test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
    return modules


def test_nothing_imports_a_conftest_or_a_test_module():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for module in imported_modules(path):
            leaf = module.rsplit(".", 1)[-1]
            if module.startswith("tests.") and (leaf == "conftest" or leaf.startswith("test_")):
                offenders.append(f"{path.relative_to(TESTS)} imports {module}")
    assert offenders == []


def test_the_guard_sees_an_offending_import(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("from tests.tui.conftest import make_app\nimport tests.tui.test_app\n")
    assert imported_modules(sample) == {"tests.tui.conftest", "tests.tui.test_app"}
