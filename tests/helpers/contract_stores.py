"""The store types of the contract suite (tests/contract): a new store type joins with ONE entry here,
its type as registered in backends/registry.py -> a context manager that starts its live server,
seeds tests.helpers.contract.SEED and yields a Subject (see tests/helpers/contract.py)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

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
