"""Runtimes over a temporary resources folder, and the local.env store the cloud stores' credentials
come from (daprd's environment, through secretKeyRef), for the runtime and CLI tests."""

from __future__ import annotations

from pathlib import Path

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions

LOCAL_ENV = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: env
spec:
  type: secretstores.local.env
  version: v1
"""


def runtime_for(path: Path, env: dict[str, str], **options: object) -> Runtime:
    return Runtime.load(RuntimeOptions(resources_paths=(str(path),), env=env, cwd=str(path), **options))
