"""Fixtures for the AWS stores, on moto's server (`aws`, emptied before every test: a fixture of
tests/helpers/servers.py), seeded with the real boto3, and stores opened the way daprd opens them:
Secrets Manager through its own `endpoint` metadata, Parameter Store through AWS_ENDPOINT_URL_SSM in
daprd's env."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("boto3", reason="the AWS extra is not installed: pip install 'dapr-secrets[aws]'")
pytest.importorskip("moto.server", reason="moto[server] is not installed")

from dapr_secrets.backends.aws.parameterstore import ParameterStore  # noqa: E402 - after the skip: boto3 may be absent
from dapr_secrets.backends.aws.secretsmanager import SecretsManagerStore  # noqa: E402 - after the skip
from dapr_secrets.backends.base import StoreContext  # noqa: E402 - after the skip
from tests.helpers.aws import KEYS, REGION, Operations, boto_client, enforce_iam  # noqa: E402 - after the skip


@pytest.fixture
def operations(aws: str) -> Iterator[Operations]:
    recorded = Operations(aws)
    yield recorded
    recorded.stop()


@pytest.fixture
def sm(aws: str) -> Any:
    """A boto3 Secrets Manager client on the emulator, to seed data as a user would."""
    return boto_client(aws, "secretsmanager")


@pytest.fixture
def ssm(aws: str) -> Any:
    return boto_client(aws, "ssm")


@pytest.fixture
def enforced_iam(aws: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """moto enforces IAM from now on: the keys of a user with no policy."""
    return enforce_iam(aws, monkeypatch)


@pytest.fixture
def open_sm(aws: str, tmp_path: Path) -> Callable[..., SecretsManagerStore]:
    def open_(properties: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None) -> SecretsManagerStore:
        props = {"region": REGION, "endpoint": aws, **KEYS} if properties is None else dict(properties)
        return SecretsManagerStore("awssm", props, StoreContext(env=dict(env or {}), cwd=str(tmp_path)))

    return open_


@pytest.fixture
def open_ssm(aws: str, tmp_path: Path) -> Callable[..., ParameterStore]:
    def open_(properties: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None) -> ParameterStore:
        props = {"region": REGION, **KEYS} if properties is None else dict(properties)
        environment = {"AWS_ENDPOINT_URL_SSM": aws} if env is None else dict(env)
        return ParameterStore("awsssm", props, StoreContext(env=environment, cwd=str(tmp_path)))

    return open_
