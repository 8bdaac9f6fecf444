"""The Huawei CSMS store's test credentials, component fields and daprd environment, and its
contract-suite entry (a local HTTPS CSMS + IAM, tests/fakes/huawei_server.py, that verifies AK/SK
signatures; the real SDK is pointed at it with the Go SDK's own variables, dapr-cloud-stores.md §9.4)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.huawei import credentials as huawei_credentials
from dapr_secrets.backends.huawei import store as huawei_store
from dapr_secrets.backends.huawei.store import HuaweiCsmsStore
from tests.fakes.huawei_server import HuaweiServer
from tests.fakes.tls import make_ca
from tests.helpers.contract import PAGE, SEED, TIMEOUT, Context, Subject

ACCESS_KEY = "HPUAEXAMPLEACCESSKEY"
SECRET_KEY = "example-secret-access-key-not-real-0123456789"
REGION = "cn-north-4"


def metadata(**extra: str) -> dict[str, str]:
    return {"region": REGION, "accessKey": ACCESS_KEY, "secretAccessKey": SECRET_KEY, **extra}


def daprd_env(server: HuaweiServer, region: str = REGION, csms_url: str | None = None) -> dict[str, str]:
    """What daprd would need: the CSMS region override, an https IAM, and Go's CA bundle variable."""
    return {
        "HUAWEICLOUD_SDK_REGION_CSMS_" + region.upper().replace("-", "_"): csms_url or server.url,
        "HUAWEICLOUD_SDK_IAM_ENDPOINT": server.url,
        "SSL_CERT_FILE": str(server.ca.ca_pem),
    }


OpenStore = Callable[..., HuaweiCsmsStore]  # the per-store tests' store factory fixture

@contextmanager
def contract_subject(ctx: Context) -> Iterator[Subject]:
    with HuaweiServer(make_ca(ctx.tmp_path / "ca"), ACCESS_KEY, SECRET_KEY, REGION) as csms:
        for name, value in SEED.items():
            csms.add_secret(name, value)
        ctx.monkeypatch.setattr(huawei_store, "DAPR_LIST_LIMIT", str(PAGE))
        opened: list[HuaweiCsmsStore] = []

        def open_(env: dict[str, str]) -> HuaweiCsmsStore:
            opened.append(HuaweiCsmsStore("csms", metadata(), StoreContext(env=env, cwd=str(ctx.tmp_path))))
            return opened[-1]

        def denied() -> HuaweiCsmsStore:
            csms.denied.add(next(iter(SEED)))
            return open_(daprd_env(csms))

        def open_at(port: int) -> HuaweiCsmsStore:
            # Init asks the live IAM for the project; CSMS calls go to the port
            for module in (huawei_store, huawei_credentials):
                ctx.monkeypatch.setattr(module, "DEFAULT_TIMEOUT", TIMEOUT)
            return open_(daprd_env(csms, csms_url=f"https://127.0.0.1:{port}"))

        try:
            yield Subject(
                open_(daprd_env(csms)), lambda: len(csms.value_requests()), pages=True, denied=denied, open_at=open_at,
                read_metadata={"version_id": "latest"},  # csms.go GetSecret sends version_id as given: "" is refused
            )
        finally:
            for store in opened:
                store.close()
