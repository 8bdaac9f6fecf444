"""A real AWS emulator for the AWS stores: moto's server on 127.0.0.1 (a random port), reset before
every test, seeded with the real boto3, and stores opened the way daprd opens them: Secrets Manager
through its own `endpoint` metadata, Parameter Store through AWS_ENDPOINT_URL_SSM in daprd's env."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("boto3", reason="the AWS extra is not installed: pip install 'dapr-secrets[aws]'")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")

from dapr_secrets.backends.aws.parameterstore import ParameterStore  # noqa: E402
from dapr_secrets.backends.aws.secretsmanager import SecretsManagerStore  # noqa: E402
from dapr_secrets.backends.base import StoreContext  # noqa: E402

REGION = "us-east-1"
KEYS = {"accessKey": "AKIAEXAMPLEEXAMPLE12", "secretKey": "test-secret-key"}


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from moto.moto_api import recorder

    # moto's request recorder (see `operations`) writes here rather than into the working directory
    recorder._location = str(tmp_path_factory.mktemp("moto") / "recording")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str) -> str:
    """The emulator, emptied: every test starts from no secrets and no parameters."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=10).close()
    return moto_url


class Operations:
    """The AWS operations the emulator received since `start()`, from moto's own request recorder
    (the X-Amz-Target header of each JSON request, e.g. "secretsmanager.GetSecretValue")."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _post(self, action: str) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/recorder/{action}", method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def start(self) -> None:
        self._post("reset-recording")
        self._post("start-recording")

    def names(self) -> list[str]:
        import json

        with urllib.request.urlopen(f"{self.url}/moto-api/recorder/download-recording", timeout=10) as response:
            lines = response.read().decode().splitlines()
        targets = [json.loads(line)["headers"].get("X-Amz-Target", "") for line in lines if line.strip()]
        return [target.split(".", 1)[-1].split("_")[-1] for target in targets]


@pytest.fixture
def operations(aws: str) -> Iterator[Operations]:
    recorded = Operations(aws)
    yield recorded
    recorded._post("stop-recording")


def boto_client(url: str, service: str) -> Any:
    import boto3

    return boto3.client(
        service, region_name=REGION, endpoint_url=url,
        aws_access_key_id=KEYS["accessKey"], aws_secret_access_key=KEYS["secretKey"],
    )


@pytest.fixture
def sm(aws: str) -> Any:
    """A boto3 Secrets Manager client on the emulator, to seed data as a user would."""
    return boto_client(aws, "secretsmanager")


@pytest.fixture
def ssm(aws: str) -> Any:
    return boto_client(aws, "ssm")


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
