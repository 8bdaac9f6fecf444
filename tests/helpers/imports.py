"""What a fresh interpreter has imported after some code ran: for the import-hygiene tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


UI_MODULES = ("textual", "rich")


SDK_MODULES = (
    "hvac", "kubernetes", "azure", "requests", "google", "grpc", "proto", "boto3", "botocore",
    "alibabacloud_oos20190601", "alibabacloud_tea_openapi", "darabonba", "tencentcloud",
)


def modules_after(code: str) -> set[str]:
    script = code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}
