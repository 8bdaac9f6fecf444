"""The TUI in Kubernetes mode (issue #5): the real kubernetes client, through a real kubeconfig, against
the fake API server. Cluster mode shows one namespace like one daprd (dapr-behaviour.md §1.5.4: the
built-in `kubernetes` store is added); the user switches namespace and context from the palette."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from textual.command import CommandPalette

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions, State
from dapr_secrets.tui.widgets.detail import DetailPane
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.kube_server import DEFAULT_TOKEN, FakeKubeCluster, seed_secrets
from tests.helpers.tui import (
    Resources,
    component_yaml,
    make_app,
    notifications,
    screen_text,
    settle,
    wait_for,
)

SIZE = (120, 36)
METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


def component(name: str, namespace: str, type_: str = "state.redis", secret: str = "db") -> dict:
    return {
        "apiVersion": "dapr.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "type": type_,
            "version": "v1",
            "metadata": [
                {"name": "redisHost", "value": "redis:6379"},
                {"name": "redisPassword", "secretKeyRef": {"name": secret, "key": "password"}},
            ],
        },
    }


@pytest.fixture
def resources(tmp_path: Path) -> Resources:
    return Resources(tmp_path)


def namespaced_yaml(name: str, namespace: str) -> str:
    return component_yaml(name, "state.redis").replace(f"  name: {name}", f"  name: {name}\n  namespace: {namespace}")


@pytest.fixture
def cluster(kube_cluster: FakeKubeCluster) -> FakeKubeCluster:
    """prod: orders-state (its `db` secret exists) and orders-pubsub; staging: audit-state."""
    kube_cluster.add_secret("prod", "db", {"password": "prod-pass-not-shown"})
    kube_cluster.add_secret("staging", "db", {"password": "staging-pass-not-shown"})
    kube_cluster.add_resource(component("orders-state", "prod"))
    kube_cluster.add_resource(component("orders-pubsub", "prod", type_="pubsub.redis"))
    kube_cluster.add_resource(component("audit-state", "staging"))
    return kube_cluster


def cluster_runtime(env: dict[str, str], tmp_path: Path, namespace: str | None = "prod") -> Runtime:
    """What `dapr-secrets --kubernetes [--namespace N]` opens. NAMESPACE is in daprd's environment, as
    the sidecar injector sets it (the built-in store reads it, §3.3)."""
    if namespace is not None:
        env = env | {"NAMESPACE": namespace}
    options = RuntimeOptions(
        resources_paths=(), kubernetes=True, resources_from_cluster=True, namespace=namespace, env=env, cwd=str(tmp_path)
    )
    return Runtime.load(options)


def sidebar_lines(app) -> list[str]:
    sidebar = app.main_screen.query_one(Sidebar)
    return [sidebar.get_option_at_index(index).prompt.plain.strip() for index in range(sidebar.option_count)]


def header(app) -> str:
    return app.main_screen.query_one("#header").render().plain


def store_listed(app, store: str = "kubernetes") -> bool:
    view = app.main_screen.views.get(store)
    return isinstance(view, StoreView) and view.listed and not view.listing


async def open_palette(pilot, key: str = "n") -> CommandPalette:
    await pilot.press(key)
    await wait_for(pilot, lambda: CommandPalette.is_open(pilot.app), what="the palette")
    await pilot.app.workers.wait_for_complete()  # the picker's listing
    await pilot.pause(0.3)  # the palette gathers hits in batches
    return pilot.app.screen


async def choose(pilot, typed: str) -> None:
    await pilot.press(*typed)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not CommandPalette.is_open(pilot.app), what="the palette to close")


async def switched_to(pilot, namespace: str) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.runtime.options.namespace == namespace, timeout=10, what=f"namespace {namespace}")
    await wait_for(pilot, lambda: store_listed(app), timeout=10, what="the kubernetes store listed")
    await settle(pilot)


# ----- opening a namespace


class PageGate:
    """Holds every listing page after the first until released: shows that names appear as pages
    arrive, not when the last page is served."""

    def __init__(self, cluster: FakeKubeCluster) -> None:
        self.released = threading.Event()
        answer = cluster.answer

        def gated(method: str, raw_path: str, headers) -> tuple[int, str, bytes]:
            if "continue=" in raw_path:
                self.released.wait(timeout=8)
            return answer(method, raw_path, headers)

        cluster.answer = gated  # the handler calls cluster.answer: the instance attribute wins


@pytest.fixture
def gate(kube_cluster: FakeKubeCluster) -> Iterator[PageGate]:
    gate = PageGate(kube_cluster)
    yield gate
    gate.released.set()  # never leave a server thread waiting


async def test_a_namespace_of_5000_secrets_shows_pages_as_they_arrive_lists_metadata_only_and_reads_on_highlight(
    kube_cluster, kube_env, tmp_path, gate
):
    names = seed_secrets(kube_cluster, "prod", 5000, value_size=64)
    app = make_app(cluster_runtime(kube_env, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        # The built-in store comes first and is shown at once: its first page appears while the
        # second is held back by the server.
        await wait_for(pilot, lambda: "kubernetes" in app.main_screen.views and app.main_screen.views["kubernetes"].index is not None
                       and len(app.main_screen.views["kubernetes"].index) == 500, timeout=10, what="the first page")
        await pilot.pause()
        view = app.main_screen.views["kubernetes"]
        shown = screen_text(app)
        assert view.listing and "kubernetes  kubernetes  500 secrets…" in shown and "secret-00000" in shown
        assert "loading names… 500 so far" in view.secret_tree.root.children[-1].label.plain  # at the end
        gate.released.set()
        await wait_for(pilot, lambda: store_listed(app), timeout=20, what="every page")
        await settle(pilot)
        assert len(view.index) == 5000 and sorted(view.index.names()) == names
        assert "kubernetes  kubernetes  5,000 secrets" in screen_text(app) and "5,000 secrets…" not in screen_text(app)
        assert "loading names" not in view.secret_tree.root.children[-1].label.plain

        listings = [r for r in kube_cluster.requests if r.path == "/api/v1/namespaces/prod/secrets"]
        assert len(listings) == 10 and all(r.query["limit"] == ["500"] for r in listings)
        assert all(r.headers["accept"].startswith(METADATA_ONLY) for r in listings)
        assert all("data" not in item for r in listings for item in r.json()["items"])  # no value ever sent
        assert not [r for r in kube_cluster.requests if r.path.startswith("/api/v1/namespaces/prod/secrets/")]

        # Highlighting one secret reads that secret, and nothing else; its value stays masked.
        view.secret_tree.focus()
        await view.secret_tree.select_secret("secret-04321")
        detail = app.main_screen.query_one(DetailPane)
        await wait_for(pilot, lambda: detail.target is not None and detail.values is not None, what="the secret read")
        reads = {r.path for r in kube_cluster.requests if r.path.startswith("/api/v1/namespaces/prod/secrets/")}
        assert reads == {"/api/v1/namespaces/prod/secrets/secret-04321"}
        assert list(detail.values) == ["value"]
        assert detail.values["value"] not in screen_text(app)


async def test_cluster_mode_shows_the_namespace_components_under_its_heading_with_the_builtin_store(
    cluster, kube_env, tmp_path
):
    app = make_app(cluster_runtime(kube_env, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: store_listed(app), what="the kubernetes store listed")
        await settle(pilot)
        assert sidebar_lines(app) == [
            "namespace prod",
            "Secret stores",
            "● kubernetes  kubernetes",
            "State",
            "● orders-state  redis",
            "Pub/sub",
            "● orders-pubsub  redis",
        ]  # staging's audit-state is not here: one daprd, one namespace
        assert "cluster  kubernetes  context: test  ns: prod" in header(app)
        assert app.runtime.status("orders-state").state == State.READY  # db/password resolved in prod
        assert list(app.main_screen.views["kubernetes"].index.names()) == ["db"]


async def test_cli_options_without_a_namespace_variable_list_the_builtin_store(cluster, kube_env, tmp_path):
    """--namespace stands for daprd's NAMESPACE variable: the built-in store lists that namespace."""
    from dapr_secrets.tui.cli import build_parser, options_from_args

    options = options_from_args(build_parser().parse_args(["--kubernetes", "--namespace", "prod"]))
    app = make_app(Runtime.load(options.replace(env=kube_env, cwd=str(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: store_listed(app), what="the kubernetes store listed")
        assert list(app.main_screen.views["kubernetes"].index.names()) == ["db"]


async def test_sidebar_groups_file_components_by_namespace_when_they_span_several(resources, kube_env):
    """Kubernetes mode over files without NAMESPACE loads every namespace (§1.4): one heading each."""
    resources.write("a.yaml", namespaced_yaml("a-state", "team-a"))
    resources.write("b.yaml", namespaced_yaml("b-state", "team-b"))
    runtime = resources.runtime(env=kube_env, kubernetes=True)
    app = make_app(runtime)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sidebar_lines(app)[0::3] == ["namespace team-a", "namespace team-b", "no namespace"]
        assert sidebar_lines(app)[1:3] == ["State", "● a-state  redis"]
        assert sidebar_lines(app)[-1].endswith("kubernetes  kubernetes")  # daprd's built-in store


# ----- switching namespace and context


async def test_switching_namespace_swaps_the_components_and_the_builtin_stores_secrets(cluster, kube_env, tmp_path):
    first = cluster_runtime(kube_env, tmp_path)
    app = make_app(first)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: store_listed(app), what="prod listed")
        await settle(pilot)
        palette = await open_palette(pilot)
        shown = screen_text(app)
        assert "namespace default" in shown and "namespace staging" in shown and "● current" in shown
        assert palette is app.screen

        await choose(pilot, "staging")
        await switched_to(pilot, "staging")
        assert app.runtime is not first and first.store("kubernetes") is None  # the old one was closed
        assert sidebar_lines(app)[0] == "namespace staging"
        assert [line for line in sidebar_lines(app) if "state" in line] == ["● audit-state  redis"]
        assert "ns: staging" in header(app) and "switching" not in header(app)
        assert set(app.main_screen.views) == {"kubernetes"}  # no view of prod survived
        assert list(app.main_screen.views["kubernetes"].index.names()) == ["db"]
        assert "/api/v1/namespaces/staging/secrets" in {r.path for r in cluster.requests}
        assert app.runtime.status("audit-state").state == State.READY  # resolved in staging
        assert app.runtime.options.daprd_env()["NAMESPACE"] == "staging"

        # Any name can be typed; one the cluster does not have is shown empty, and said so.
        await open_palette(pilot)
        await choose(pilot, "stagign")
        await switched_to(pilot, "stagign")
        assert [line for line in sidebar_lines(app) if "state" in line] == []
        [warning] = [n for n in notifications(app) if n.startswith("Namespace stagign")]
        assert warning.startswith("Namespace stagign does not exist in context test: nothing to show there.")


def two_context_kubeconfig(cluster: FakeKubeCluster, path: Path) -> Path:
    """Contexts `test` (alice, no namespace), `ops` (bob, namespace staging) and `dead` (a server
    that is not listening)."""
    cluster.tokens["ops-token"] = "bob@example.com"
    cluster.write_kubeconfig(path, contexts={"test": DEFAULT_TOKEN, "ops": "ops-token", "dead": DEFAULT_TOKEN})
    config = yaml.safe_load(path.read_text())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_server = f"https://127.0.0.1:{probe.getsockname()[1]}"
    config["clusters"].append({"name": "nowhere", "cluster": {**config["clusters"][0]["cluster"], "server": dead_server}})
    for entry in config["contexts"]:
        if entry["name"] == "ops":
            entry["context"]["namespace"] = "staging"
        if entry["name"] == "dead":
            entry["context"]["cluster"] = "nowhere"
    path.write_text(yaml.safe_dump(config))
    return path


async def test_switching_context_uses_its_credentials_and_namespace_and_an_unreachable_one_keeps_the_view(
    cluster, kube_env, tmp_path
):
    kubeconfig = two_context_kubeconfig(cluster, tmp_path / "two")
    env = kube_env | {"KUBECONFIG": str(kubeconfig)}
    app = make_app(cluster_runtime(env, tmp_path, namespace=None))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: store_listed(app), what="default listed")
        assert "context: test  ns: default" in header(app)
        await open_palette(pilot, "ctrl+p")
        await pilot.press(*"Switch context", "enter")  # the action opens the context picker
        await wait_for(pilot, lambda: "context ops" in screen_text(app), what="the context picker")
        shown = screen_text(app)
        assert "cluster fake, user ops-user, namespace staging" in shown and "context dead" in shown
        assert "context test  ● current" in shown

        cluster.clear_requests()
        await choose(pilot, "ops")
        await switched_to(pilot, "staging")  # the context's own namespace
        assert "context: ops  ns: staging" in header(app)
        assert [line for line in sidebar_lines(app) if "state" in line] == ["● audit-state  redis"]
        assert {r.headers["authorization"] for r in cluster.requests} == {"Bearer ops-token"}

        # A context whose server does not answer: the reason in place and in a notification,
        # and what was open keeps working.
        current = app.runtime
        app.main_screen.action_switch_context()
        await wait_for(pilot, lambda: CommandPalette.is_open(app), what="the context picker")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await choose(pilot, "dead")
        await wait_for(pilot, lambda: "could not switch" in header(app), timeout=15, what="the failure")
        assert app.runtime is current and "context: ops  ns: staging" in header(app)
        assert "✗ could not switch to context dead: cannot list Dapr components" in header(app)
        assert "cannot reach the API server" in header(app)
        [failure] = [n for n in notifications(app) if n.startswith("Could not switch")]
        assert "hint: is the cluster running" in failure
        assert current.store("kubernetes") is not None  # not closed
        app.main_screen.views["kubernetes"].secret_tree.focus()
        await app.main_screen.views["kubernetes"].secret_tree.select_secret("db")
        detail = app.main_screen.query_one(DetailPane)
        await wait_for(pilot, lambda: detail.values is not None, what="a secret read after the failed switch")
        assert list(detail.values) == ["password"]


async def test_rbac_forbidding_namespace_listing_says_so_and_a_typed_namespace_still_switches(cluster, kube_env, tmp_path):
    cluster.deny("list", "namespaces")
    app = make_app(cluster_runtime(kube_env, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: store_listed(app), what="prod listed")
        await settle(pilot)
        await open_palette(pilot)
        shown = screen_text(app)
        assert '✗ cannot list namespaces: namespaces is forbidden: User "alice@example.com" cannot list resource' in shown
        assert "type a name to switch to it anyway" in shown
        [notice] = [n for n in notifications(app) if n.startswith("Cannot list namespaces")]
        assert "hint: RBAC denies `list namespaces` in the whole cluster for alice@example.com" in notice
        assert app.main_screen.views["kubernetes"].listed and sidebar_lines(app)[0] == "namespace prod"  # still working

        await choose(pilot, "staging")
        await switched_to(pilot, "staging")
        assert [line for line in sidebar_lines(app) if "state" in line] == ["● audit-state  redis"]
        assert not [n for n in notifications(app) if "does not exist" in n]  # unknown is not missing


async def test_an_expired_token_says_so_when_listing_and_when_switching_and_the_view_stays(cluster, kube_env, tmp_path):
    first = cluster_runtime(kube_env, tmp_path)
    app = make_app(first)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: store_listed(app), what="prod listed")
        await settle(pilot)
        cluster.tokens.clear()  # the token expires: every call is now 401
        await open_palette(pilot)
        assert "✗ cannot list namespaces: Unauthorized" in screen_text(app)
        [notice] = [n for n in notifications(app) if n.startswith("Cannot list namespaces")]
        assert "hint: token expired or invalid: refresh your kubeconfig credentials (context test" in notice

        await choose(pilot, "staging")
        await wait_for(pilot, lambda: "could not switch" in header(app), timeout=10, what="the failure")
        assert app.runtime is first and "ns: prod" in header(app)
        assert "✗ could not switch to namespace staging: cannot list Dapr components in namespace staging: Unauthorized" in header(app)
        [failure] = [n for n in notifications(app) if n.startswith("Could not switch")]
        assert "hint: token expired or invalid" in failure and failure.endswith("Still showing what was open.")
        assert sidebar_lines(app)[0] == "namespace prod" and "orders-state" in " ".join(sidebar_lines(app))


async def test_self_hosted_mode_has_no_namespace_key_or_switch_commands(resources):
    resources.write("a.yaml", namespaced_yaml("a-state", "team-a"))
    resources.write("b.yaml", namespaced_yaml("b-state", "team-b"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any(line.startswith("namespace") for line in sidebar_lines(app))  # no grouping
        await pilot.press("n")
        await pilot.pause()
        assert not CommandPalette.is_open(app) and "Namespace" not in screen_text(app)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert "Switch namespace" not in screen_text(app) and "Switch context" not in screen_text(app)
