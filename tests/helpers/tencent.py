"""The Tencent SSM store's test credentials and component fields, and its contract-suite entry (a local
SSM over HTTP, tests/fakes/tencent_server.py, that verifies TC3 signatures)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest.mock import ANY

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.tencent import store as tencent_store
from dapr_secrets.backends.tencent.store import TencentSsmStore
from tests.fakes.tencent_server import TencentSsmServer
from tests.helpers.contract import PAGE, SEED, TIMEOUT, Context, Subject

REGION = "ap-guangzhou"
SECRET_ID = "AKIDexample0reader0000000000000000"
SECRET_KEY = "reader-secret-key-0123456789abcdef"  # demo credentials of the fake only


def metadata(**extra: str) -> dict[str, str]:
    """The component's fields, as contrib's metadata.yaml spells them."""
    return {"secretId": SECRET_ID, "secretKey": SECRET_KEY, "region": REGION, **extra}


OpenStore = Callable[..., TencentSsmStore]  # the per-store tests' store factory fixture

@contextmanager
def contract_subject(ctx: Context) -> Iterator[Subject]:
    with TencentSsmServer(REGION) as ssm:
        ssm.add_key(SECRET_ID, SECRET_KEY)
        for name, value in SEED.items():
            ssm.add_secret(name, ("v1", value))
        ctx.monkeypatch.setattr(tencent_store, "PAGE_LIMIT", PAGE)
        ctx.monkeypatch.setattr(tencent_store, "_endpoint_for_tests", ssm.address)
        context = StoreContext(env={}, cwd=str(ctx.tmp_path))
        opened: list[TencentSsmStore] = []

        def open_() -> TencentSsmStore:
            opened.append(TencentSsmStore("tencentssm", metadata(), context))
            return opened[-1]

        def denied() -> TencentSsmStore:
            ssm.deny(SECRET_ID, "GetSecretValue", next(iter(SEED)))
            return open_()

        def open_at(port: int) -> TencentSsmStore:
            ctx.monkeypatch.setattr(tencent_store, "DEFAULT_TIMEOUT", TIMEOUT)
            ctx.monkeypatch.setattr(tencent_store, "_endpoint_for_tests", f"127.0.0.1:{port}")
            return open_()

        try:
            yield Subject(
                open_(), lambda: len(ssm.value_requests()), pages=True, denied=denied, open_at=open_at,
                read_metadata={tencent_store.VERSION_ID: "v1"},  # SSM refuses a GetSecretValue without VersionId
                extra_keys={tencent_store.VALUE_TYPE: tencent_store.TEXT_VALUE, tencent_store.REQUEST_ID: ANY},  # contrib's 3-key map
            )
        finally:
            for store in opened:
                store.close()
