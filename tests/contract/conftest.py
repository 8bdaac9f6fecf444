"""The store contract suite's one fixture: every store type, live, seeded with the same data.

A new store type joins by adding ONE entry to STORES: its type (as registered in
backends/registry.py) -> a context manager that yields a `tests.helpers.contract.Subject`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

from tests.helpers import alibaba, aws, azure, gcp, huawei, kubernetes, local, tencent, vault
from tests.helpers.contract import Context, Subject

STORES: dict[str, Callable[[Context], AbstractContextManager[Subject]]] = {
    "local.file": local.file_subject,
    "local.env": local.env_subject,
    "kubernetes": kubernetes.contract_subject,
    "hashicorp.vault": vault.contract_subject,
    "azure.keyvault": azure.contract_subject,
    "aws.secretmanager": aws.secretsmanager_subject,
    "aws.parameterstore": aws.parameterstore_subject,
    "gcp.secretmanager": gcp.contract_subject,
    "alicloud.parameterstore": alibaba.contract_subject,
    "huaweicloud.csms": huawei.contract_subject,
    "tencentcloud.ssm": tencent.contract_subject,
}


@pytest.fixture(params=list(STORES))
def subject(request: pytest.FixtureRequest, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Subject]:
    with STORES[request.param](Context(tmp_path, monkeypatch, request)) as live:
        gap = live.known_gaps.get(request.node.originalname)
        if gap:  # a contract this store breaks today: must fail (strict), so fixing it shows here
            request.applymarker(pytest.mark.xfail(reason=gap, strict=True))
        yield live
