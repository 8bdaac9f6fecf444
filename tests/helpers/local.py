"""The contract-suite entries of the two local stores, local.file and local.env: no server, the
data is a file or daprd's environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from dapr_secrets.backends import local_env, local_file
from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.local_env import LocalEnvStore
from dapr_secrets.backends.local_file import LocalFileStore
from tests.helpers.contract import PAGE, SEED, Context, Subject

NO_NETWORK = "a local store makes no network call: nothing can hang or be unreachable"


@contextmanager
def file_subject(ctx: Context) -> Iterator[Subject]:
    (ctx.tmp_path / "secrets.json").write_text(json.dumps(SEED))
    ctx.monkeypatch.setattr(local_file, "PAGE_SIZE", PAGE)
    store = LocalFileStore("files", {"secretsFile": "secrets.json"}, StoreContext(env={}, cwd=str(ctx.tmp_path)))
    yield Subject(
        store, None, pages=True, denied=None, open_at=None,
        values_listed_because="daprd's Init reads the whole file (values included) and so does the store's",
        no_access_control_because="the file was read whole at Init: there is nothing left to refuse",
        no_network_because=NO_NETWORK,
    )


@contextmanager
def env_subject(ctx: Context) -> Iterator[Subject]:
    ctx.monkeypatch.setattr(local_env, "PAGE_SIZE", PAGE)
    store = LocalEnvStore("env", {}, StoreContext(env=dict(SEED), cwd=str(ctx.tmp_path)))
    yield Subject(
        store, None, pages=True, denied=None, open_at=None,
        values_listed_because="daprd's environment is in memory, values included: there is no separate read",
        no_access_control_because="daprd reads its own environment (only APP_API_TOKEN and DAPR_* are refused, by name)",
        no_network_because=NO_NETWORK,
    )
