"""Fixtures for the Huawei CSMS store: a local HTTPS CSMS + IAM (tests/fakes/huawei_server.py) that
verifies AK/SK signatures, and daprd's environment pointing the real SDK at it with the Go SDK's own
variables (dapr-cloud-stores.md §9.4, §9.6): no code seam."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.huawei.store import HuaweiCsmsStore
from tests.fakes.huawei_server import HuaweiServer
from tests.fakes.tls import TestCA, make_ca
from tests.helpers.huawei import ACCESS_KEY, REGION, SECRET_KEY, OpenStore, daprd_env, metadata


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return make_ca(tmp_path_factory.mktemp("huawei-ca"))


@pytest.fixture
def csms(ca: TestCA) -> Iterator[HuaweiServer]:
    with HuaweiServer(ca, ACCESS_KEY, SECRET_KEY, REGION) as server:
        yield server


@pytest.fixture
def open_store(tmp_path: Path, csms: HuaweiServer) -> Iterator[OpenStore]:
    """Open stores like daprd's Init (which calls IAM); closed at the end of the test."""
    opened: list[HuaweiCsmsStore] = []

    def open_(properties: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None) -> HuaweiCsmsStore:
        props = metadata() if properties is None else dict(properties)
        store = HuaweiCsmsStore("csms", props, StoreContext(env=daprd_env(csms) if env is None else env, cwd=str(tmp_path)))
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()
