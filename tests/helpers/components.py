"""Small builders for component files used across the components tests."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write a file (dedented text, or raw bytes) into `folder` and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def component(name: str = "mystore", kind: str = "secretstores.local.file", body: str = "", top: str = "") -> str:
    """A Component document; `body` is YAML under spec (indented by the caller's 2 spaces),
    `top` extra top-level YAML (auth, scopes)."""
    spec = textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") if body else ""
    return (
        "apiVersion: dapr.io/v1alpha1\n"
        "kind: Component\n"
        f"metadata:\n  name: {name}\n"
        f"spec:\n  type: {kind}\n  version: v1\n"
        + (spec + "\n" if spec else "")
        + (textwrap.dedent(top).strip("\n") + "\n" if top else "")
    )
