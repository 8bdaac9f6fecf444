"""The Kubernetes store's contract-suite entry: the fake API server over HTTPS
(tests/fakes/kube_server.py) and a kubeconfig that points at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.kubernetes import KubernetesStore
from tests.fakes.kube_server import FakeKubeCluster
from tests.fakes.tls import make_ca
from tests.helpers.contract import PAGE, SEED, TIMEOUT, Context, Subject

# The Accept of a read that carries no data: a listing's (PartialObjectMetadataList) or one secret's
# metadata (PartialObjectMetadata, what last_changed asks for).
METADATA_ONLY = "as=PartialObjectMetadata"


def _accept(headers: dict[str, str]) -> str:
    return next((value for key, value in headers.items() if key.lower() == "accept"), "")


@contextmanager
def contract_subject(ctx: Context) -> Iterator[Subject]:
    home = ctx.tmp_path / "home"
    home.mkdir()
    with FakeKubeCluster(make_ca(ctx.tmp_path / "ca")) as cluster:
        for name, value in SEED.items():
            cluster.add_secret("default", name, {"value": value})
        opened: list[KubernetesStore] = []

        def open_(server: str | None = None, timeout: float | None = None) -> KubernetesStore:
            kubeconfig = cluster.write_kubeconfig(ctx.tmp_path / f"kube{len(opened)}" / "config", server=server)
            env = {"KUBECONFIG": str(kubeconfig), "HOME": str(home)}
            store = KubernetesStore("kubernetes", {"defaultNamespace": "default"}, StoreContext(env=env, cwd=str(ctx.tmp_path)))
            store.page_size = PAGE
            if timeout is not None:
                store.api.timeout = timeout
            opened.append(store)
            return store

        def denied() -> KubernetesStore:
            cluster.deny("get", "secrets", "default")
            return open_()

        def value_reads() -> int:
            """Reads of one secret, or listings, that carry the secrets' data."""
            return sum("/secrets" in r.path and METADATA_ONLY not in _accept(r.headers) for r in cluster.requests)

        try:
            yield Subject(open_(), value_reads, pages=True, denied=denied, keyed=True,
                          open_at=lambda port: open_(f"https://127.0.0.1:{port}", TIMEOUT))
        finally:
            for store in opened:
                store.close()
