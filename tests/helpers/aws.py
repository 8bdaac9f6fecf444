"""The AWS stores' test region and keys, moto's server (a real AWS emulator on 127.0.0.1) and its
request recorder, and the contract-suite entries of Secrets Manager and Parameter Store."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from dapr_secrets.backends.base import SecretStore, StoreContext
from tests.helpers.contract import PAGE, SEED, TIMEOUT, Context, Subject

REGION = "us-east-1"
KEYS = {"accessKey": "AKIAEXAMPLEEXAMPLE12", "secretKey": "test-secret-key"}


def reset(url: str) -> None:
    """Empty the emulator: no secrets, no parameters."""
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()


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

    def stop(self) -> None:
        self._post("stop-recording")

    def names(self) -> list[str]:
        with urllib.request.urlopen(f"{self.url}/moto-api/recorder/download-recording", timeout=10) as response:
            lines = response.read().decode().splitlines()
        targets = [json.loads(line)["headers"].get("X-Amz-Target", "") for line in lines if line.strip()]
        return [target.split(".", 1)[-1].split("_")[-1] for target in targets]


def boto_client(url: str, service: str) -> Any:
    import boto3

    return boto3.client(
        service, region_name=REGION, endpoint_url=url,
        aws_access_key_id=KEYS["accessKey"], aws_secret_access_key=KEYS["secretKey"],
    )


def enforce_iam(url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """moto enforces IAM from now on (its own INITIAL_NO_AUTH_ACTION_COUNT setting); returns the keys
    of a user with no policy, created before enforcement starts."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    iam = boto_client(url, "iam")
    iam.create_user(UserName="reader")
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    monkeypatch.setattr(ActionAuthenticatorMixin, "request_count", 0)
    return key


@contextmanager
def _subject(ctx: Context, kind: str) -> Iterator[Subject]:
    from dapr_secrets.backends.aws import common as aws_common
    from dapr_secrets.backends.aws import parameterstore, secretsmanager

    url = ctx.request.getfixturevalue("aws")
    if kind == "sm":
        client = boto_client(url, "secretsmanager")
        for name, value in SEED.items():
            client.create_secret(Name=name, SecretString=value)
        ctx.monkeypatch.setattr(secretsmanager, "LIST_PAGE", PAGE)
        value_operations = {"GetSecretValue", "BatchGetSecretValue"}
    else:
        client = boto_client(url, "ssm")
        for name, value in SEED.items():
            client.put_parameter(Name=name, Value=value, Type="SecureString")
        ctx.monkeypatch.setattr(parameterstore, "LIST_PAGE", PAGE)
        value_operations = {"GetParameter", "GetParameters", "GetParametersByPath"}
    opened: list[SecretStore] = []

    def open_(endpoint: str = url, keys: dict[str, str] = KEYS) -> SecretStore:
        context = StoreContext(env={}, cwd=str(ctx.tmp_path))
        if kind == "sm":
            store: SecretStore = secretsmanager.SecretsManagerStore("awssm", {"region": REGION, "endpoint": endpoint, **keys}, context)
        else:
            context = StoreContext(env={"AWS_ENDPOINT_URL_SSM": endpoint}, cwd=str(ctx.tmp_path))
            store = parameterstore.ParameterStore("awsssm", {"region": REGION, **keys}, context)
        opened.append(store)
        return store

    def denied() -> SecretStore:
        key = enforce_iam(url, ctx.monkeypatch)
        return open_(keys={"accessKey": key["AccessKeyId"], "secretKey": key["SecretAccessKey"]})

    def open_at(port: int) -> SecretStore:
        ctx.monkeypatch.setattr(aws_common, "DEFAULT_TIMEOUT", TIMEOUT)
        return open_(endpoint=f"http://127.0.0.1:{port}")

    operations = Operations(url)
    operations.start()
    try:
        yield Subject(open_(), lambda: sum(name in value_operations for name in operations.names()), pages=True,
                      denied=denied, open_at=open_at, attempts=aws_common.MAX_ATTEMPTS)
    finally:
        operations.stop()
        for store in opened:
            store.close()


def secretsmanager_subject(ctx: Context) -> Any:
    return _subject(ctx, "sm")


def parameterstore_subject(ctx: Context) -> Any:
    return _subject(ctx, "ssm")
