"""Builders for the sidecar tests: the files under test (the prediction) and a fake daprd that
answers differently (the truth), so that drift exists."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.daprd_server import FakeDaprd

CANARY = "canary-value-9f31"  # a value that must never reach any output


def write_files(folder: Path) -> Path:
    """The prediction: two local.file stores, a state component, scopes for app `orders`."""
    secrets = {"db-password": "same-in-both", "api-key": "files-key", "gone": "x", "denied-here": "d"}
    (folder / "secrets.json").write_text(json.dumps(secrets))
    (folder / "other.json").write_text(json.dumps({"token": "t"}))
    components = folder / "components"
    components.mkdir()
    (components / "stores.yaml").write_text(
        f"""apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {{name: files}}
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    value: {folder / 'secrets.json'}
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {{name: predicted-only}}
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    value: {folder / 'other.json'}
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {{name: cache}}
spec:
  type: state.redis
  version: v1
  metadata:
  - name: redisHost
    value: localhost:6379
"""
    )
    (folder / "config.yaml").write_text(
        """apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: appconfig}
spec:
  secrets:
    scopes:
    - storeName: files
      defaultAccess: allow
      deniedSecrets: [denied-here]
"""
    )
    return components


def fake_sidecar(**overrides) -> FakeDaprd:
    """The truth: `files` with one value changed, one secret gone and one denied by its scopes,
    one secret the files' scopes deny; `cache` as pubsub; a component the files do not have."""
    settings = dict(
        components={
            "files": ("secretstores.local.file", "v1", ()),
            "cache": ("pubsub.redis", "v1", ("SUBSCRIBE_WILDCARDS",)),
            "extra": ("bindings.cron", "v1", ()),
        },
        secrets={"files": {
            "db-password": {"db-password": "same-in-both"},
            "api-key": {"api-key": CANARY},
            "denied-here": {"denied-here": "d"},
            "gone": {"gone": "x"},
        }},
        denied={"files": {"gone"}},
    )
    settings.update(overrides)
    return FakeDaprd(**settings)
