"""The Alibaba OOS store's test credentials and component fields, and its contract-suite entry (a
local OOS over HTTP, tests/fakes/oos_server.py, that checks the ACS3 signature of every request)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dapr_secrets.backends.alibaba import store as alibaba_store
from dapr_secrets.backends.alibaba.store import AlibabaParameterStore
from dapr_secrets.backends.base import StoreContext
from tests.fakes.oos_server import OosServer
from tests.helpers.contract import SEED, TIMEOUT, Context, Subject

REGION = "cn-hangzhou"
ACCESS_KEY_ID = "LTAI5tReaderKey00000001"
ACCESS_KEY_SECRET = "reader-secret-0123456789abcdef"


def metadata(**extra: str) -> dict[str, str]:
    """The component's fields, as the Dapr docs spell them."""
    return {"regionId": REGION, "accessKeyId": ACCESS_KEY_ID, "accessKeySecret": ACCESS_KEY_SECRET, **extra}


OpenStore = Callable[..., AlibabaParameterStore]  # the per-store tests' store factory fixture

@contextmanager
def contract_subject(ctx: Context) -> Iterator[Subject]:
    with OosServer(keys={ACCESS_KEY_ID: ACCESS_KEY_SECRET}) as oos:
        for name, value in SEED.items():
            oos.add(name, value)
        ctx.monkeypatch.setattr(alibaba_store, "LIST_PAGE_SIZE", 10)  # OOS's smallest page
        ctx.monkeypatch.setattr(alibaba_store, "_endpoint_for_tests", oos.endpoint)
        context = StoreContext(env={}, cwd=str(ctx.tmp_path))

        def open_() -> AlibabaParameterStore:
            return AlibabaParameterStore("oos", metadata(), context)

        def denied() -> AlibabaParameterStore:
            oos.deny("GetSecretParameter", next(iter(SEED)))
            return open_()

        def open_at(port: int) -> AlibabaParameterStore:
            ctx.monkeypatch.setattr(alibaba_store, "DEFAULT_TIMEOUT", TIMEOUT)
            ctx.monkeypatch.setattr(alibaba_store, "_endpoint_for_tests", f"127.0.0.1:{port}")
            return open_()

        yield Subject(open_(), lambda: len(oos.value_requests()), pages=True, denied=denied, open_at=open_at)
