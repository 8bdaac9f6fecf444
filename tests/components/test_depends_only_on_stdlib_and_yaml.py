"""DESIGN.md: components/ depends only on the standard library and PyYAML."""

from __future__ import annotations

import subprocess
import sys


def test_components_import_no_ui_and_no_store_sdk():
    code = (
        "import sys, dapr_secrets.components.loader, dapr_secrets.components.config, "
        "dapr_secrets.components.references, dapr_secrets.components.values\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'backends', 'hvac', 'kubernetes', 'azure', 'tui'})\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == ""
