"""Fixtures for the Tencent SSM store: a local SSM over HTTP (tests/fakes) that verifies TC3 signatures
against registered API keys, and a factory that opens stores pointed at it through the test seam. The
real tencentcloud-sdk-python-ssm client signs every request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.tencent import store as tencent_store
from dapr_secrets.backends.tencent.store import TencentSsmStore
from tests.fakes.tencent_server import TencentSsmServer
from tests.helpers.tencent import REGION, SECRET_ID, SECRET_KEY, OpenStore, metadata


@pytest.fixture
def ssm() -> Iterator[TencentSsmServer]:
    with TencentSsmServer(REGION) as server:
        server.add_key(SECRET_ID, SECRET_KEY)
        yield server


@pytest.fixture
def local_tencent(monkeypatch: pytest.MonkeyPatch, ssm: TencentSsmServer) -> None:
    """Point every Tencent store opened in the test at the local server."""
    monkeypatch.setattr(tencent_store, "_endpoint_for_tests", ssm.address)


@pytest.fixture
def open_store(tmp_path: Path, local_tencent: None) -> Iterator[OpenStore]:
    opened: list[TencentSsmStore] = []

    def open_(properties: Mapping[str, str] | None = None) -> TencentSsmStore:
        store = TencentSsmStore("tencentssm", metadata() if properties is None else dict(properties),
                                StoreContext(env={}, cwd=str(tmp_path)))
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()
