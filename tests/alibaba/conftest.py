"""Fixtures for the Alibaba OOS store: a local OOS over HTTP (tests/fakes/oos_server.py) that checks
the ACS3 signature of every request, and a factory that opens stores pointed at it through the
module-level test seam. The real alibabacloud-oos20190601 client signs the requests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from dapr_secrets.backends.alibaba import store as alibaba_store
from dapr_secrets.backends.alibaba.store import AlibabaParameterStore
from dapr_secrets.backends.base import StoreContext
from tests.fakes.oos_server import OosServer
from tests.helpers.alibaba import ACCESS_KEY_ID, ACCESS_KEY_SECRET, OpenStore, metadata


@pytest.fixture
def oos() -> Iterator[OosServer]:
    with OosServer(keys={ACCESS_KEY_ID: ACCESS_KEY_SECRET}) as server:
        yield server


@pytest.fixture
def local_oos(monkeypatch: pytest.MonkeyPatch, oos: OosServer) -> None:
    """Point every Alibaba store opened in the test at the local OOS."""
    monkeypatch.setattr(alibaba_store, "_endpoint_for_tests", oos.endpoint)


@pytest.fixture
def open_store(tmp_path: Path, local_oos: None) -> OpenStore:
    def open_(properties: Mapping[str, str] | None = None) -> AlibabaParameterStore:
        props = metadata() if properties is None else dict(properties)
        return AlibabaParameterStore("oos", props, StoreContext(env={}, cwd=str(tmp_path)))

    return open_
