"""From a component's `spec.type` + `spec.version` to the backend class, the way daprd looks it up
(dapr-behaviour.md §1.6). Backend modules are imported only when a store of that type is opened.
"""

from __future__ import annotations

import importlib

from dapr_secrets.backends.base import SecretStore, StoreOption
from dapr_secrets.components.record import Record

# Registered secret store types (without the "secretstores." prefix) -> "module:Class", or None
# where daprd knows the type but this tool cannot open it yet.
SECRET_STORE_TYPES: dict[str, str | None] = {
    "local.file": "dapr_secrets.backends.local_file:LocalFileStore",
    "local.env": "dapr_secrets.backends.local_env:LocalEnvStore",
    "kubernetes": "dapr_secrets.backends.kubernetes:KubernetesStore",
    "hashicorp.vault": "dapr_secrets.backends.vault.store:VaultStore",
    "azure.keyvault": "dapr_secrets.backends.azure_keyvault.store:AzureKeyVaultStore",
    "aws.secretmanager": "dapr_secrets.backends.aws.secretsmanager:SecretsManagerStore",
    "aws.parameterstore": "dapr_secrets.backends.aws.parameterstore:ParameterStore",
    "gcp.secretmanager": "dapr_secrets.backends.gcp.store:GcpSecretManagerStore",
    "alicloud.parameterstore": "dapr_secrets.backends.alibaba.store:AlibabaParameterStore",
    "huaweicloud.csms": "dapr_secrets.backends.huawei.store:HuaweiCsmsStore",
    "tencentcloud.ssm": "dapr_secrets.backends.tencent.store:TencentSsmStore",
}

_DEFAULT_VERSIONS = ("", "v0", "v1")


class Lookup(Record):
    """The outcome of looking a type up: a class path, or why there is none."""

    __match_args__ = ("target", "known_to_dapr", "message")
    target: str | None  # "module:Class" when we can open it
    known_to_dapr: bool  # False: daprd's Init fails ("couldn't find secret store ...")
    message: str

    def __init__(self, target: str | None, known_to_dapr: bool, message: str = "") -> None:
        self.__dict__.update(target=target, known_to_dapr=known_to_dapr, message=message)

    @property
    def supported(self) -> bool:
        return self.target is not None


def lookup(component_type: str, version: str) -> Lookup:
    """daprd lower-cases type and version; "", v0 and v1 select the single implementation."""
    kind = component_type.lower()
    short = kind.removeprefix("secretstores.")
    if not kind.startswith("secretstores.") or short not in SECRET_STORE_TYPES:
        return Lookup(None, False, f"couldn't find secret store {component_type}/{version}")
    if version.lower() not in _DEFAULT_VERSIONS:
        return Lookup(None, False, f"couldn't find secret store {component_type}/{version}")
    target = SECRET_STORE_TYPES[short]
    if target is None:
        return Lookup(None, True, f"{component_type} is a Dapr secret store this tool does not support yet")
    return Lookup(target, True)


def declared_options() -> list[StoreOption]:
    """Every option a registered store type declares (`OPTIONS` in its package's __init__), once
    each, in registry order. Cheap: no store module and no SDK is imported."""
    options: dict[str, StoreOption] = {}
    for target in SECRET_STORE_TYPES.values():
        package = (target or "").partition(":")[0].rpartition(".")[0]
        if package.startswith(f"{__package__}."):  # a one-module backend declares none
            for option in getattr(importlib.import_module(package), "OPTIONS", ()):
                options.setdefault(option.name, option)
    return list(options.values())


def load_class(target: str) -> type[SecretStore]:
    module_name, _, class_name = target.partition(":")
    store_class: type[SecretStore] = getattr(importlib.import_module(module_name), class_name)
    return store_class
