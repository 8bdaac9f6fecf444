"""HTTPEndpoint and MCPServer resources: daprd resolves their secretKeyRefs with the same secret
processor as components (issue #13, "Fidelity gaps"), so `refs`, `doctor` and the "Referenced by" pane
include them."""

from __future__ import annotations

import json

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.components.loader import load_resources
from dapr_secrets.components.references import build_references
from dapr_secrets.tui.cli import main
from tests.helpers.components import write

STORE = """
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {{name: files}}
spec:
  type: secretstores.local.file
  metadata:
  - {{name: secretsFile, value: "{path}"}}
"""

ENDPOINT = """
apiVersion: dapr.io/v1alpha1
kind: HTTPEndpoint
metadata: {name: payments}
spec:
  baseUrl: https://payments.example
  headers:
  - name: Authorization
    secretKeyRef: {name: api}
  - name: X-Plain
    value: hello
  clientTLS:
    privateKey:
      secretKeyRef: {name: tls, key: tls}
    certificate:
      value: "-----BEGIN CERTIFICATE-----"
auth:
  secretStore: files
"""

MCP = """
apiVersion: dapr.io/v1alpha1
kind: MCPServer
metadata: {name: tools}
spec:
  endpoint:
    streamableHTTP:
      url: https://mcp.example
      headers:
      - name: X-Key
        secretKeyRef: {name: api, key: missing}
      auth:
        secretStore: files
        oauth2: {issuer: https://id.example, secretKeyRef: {name: oauth, key: secret}}
"""


def folder(tmp_path, *documents: str):
    secrets = tmp_path / "secrets.json"
    secrets.write_text(json.dumps({"api": "t0ken-canary", "tls": "k3y-canary"}))
    resources = tmp_path / "resources"
    write(resources, "store.yaml", STORE.format(path=secrets))
    for index, document in enumerate(documents):
        write(resources, f"r{index}.yaml", document)
    return resources


def test_http_endpoint_headers_and_client_tls_secret_key_refs_are_references(tmp_path):
    # dapr:pkg/runtime/processor/httpendpoints.go processHTTPEndpointSecrets: ProcessResource over
    # spec.headers, then over clientTLS rootCA/certificate/privateKey, with auth.secretStore.
    resources = folder(tmp_path, ENDPOINT)
    loaded = load_resources([str(resources)])
    assert [c.name for c in loaded.components] == ["files"]  # not a component
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(resources),), env={}))
    try:
        refs = [(r.kind, r.component, r.field, r.store, r.secret, r.key) for r in runtime.references()]
        assert refs == [
            ("HTTPEndpoint", "payments", "headers[Authorization]", "files", "api", "api"),
            ("HTTPEndpoint", "payments", "clientTLS.privateKey", "files", "tls", "tls"),
        ]
        assert [runtime.check_reference(r).code for r in runtime.references()] == ["ok", "ok"]
        (pane_ref,) = runtime.references_to("files", "tls")  # what the "Referenced by" pane lists
        assert pane_ref.owner == "HTTPEndpoint payments"
    finally:
        runtime.close()


def test_mcp_server_headers_and_stdio_env_are_references_oauth2_is_not(tmp_path, capsys):
    # dapr:pkg/runtime/processor/mcpservers.go ProcessMCPServerSecrets: transport headers and stdio env
    # go through ProcessResource with MCPServer.GetSecretStore (the transport's auth.secretStore);
    # auth.oauth2.secretKeyRef is read later by the MCP worker, not by the secret processor.
    resources = folder(tmp_path, MCP)
    code, out, _ = main_out(capsys, "refs", "--json", "--resources-path", str(resources))
    document = json.loads(out)
    rows = [(r["kind"], r["component"], r["field"], r["status"]) for r in document["references"]]
    assert rows == [("MCPServer", "tools", "endpoint.streamableHTTP.headers[X-Key]", "key-not-found")]
    assert code == 1  # a reference that does not resolve fails the CI gate
    code, out, _ = main_out(capsys, "doctor", "--resources-path", str(resources))
    assert code == 1 and "MCPServer tools: 'endpoint.streamableHTTP.headers[X-Key]' -> files/api[missing]" in out
    assert "canary" not in out


def test_a_self_hosted_endpoint_without_auth_store_is_reported_by_doctor(tmp_path, capsys):
    # secret.go ProcessResource: AuthSecretStoreOrDefault is "" in self-hosted mode, so nothing resolves.
    resources = folder(tmp_path, ENDPOINT.replace("auth:\n  secretStore: files\n", ""))
    code, out, _ = main_out(capsys, "doctor", "--resources-path", str(resources))
    assert code == 1 and "HTTPEndpoint payments" in out and "daprd leaves the HTTPEndpoint's" in out


def test_http_endpoint_scopes_and_names_follow_the_loader_rules(tmp_path):
    # disk.go filterManifests + authorizer: scopes apply to every resource kind; names are per kind.
    scoped = ENDPOINT.replace("auth:", "scopes: [billing]\nauth:")
    resources = folder(tmp_path, scoped, ENDPOINT.replace("name: payments", "name: files"))
    loaded = load_resources([str(resources)], app_id="orders")
    assert [r.name for r in loaded.other_resources] == ["files"]  # `files` is also a Component: no clash
    assert [d.code for d in loaded.diagnostics] == ["scoped-out"]


def main_out(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_mcp_stdio_env_refs_use_no_store_without_an_http_transport(tmp_path):
    # MCPServer.GetSecretStore reads only the streamableHTTP/sse auth, so a stdio-only server has no
    # store: "" in self-hosted mode, `kubernetes` in Kubernetes mode (AuthSecretStoreOrDefault).
    stdio = (
        "apiVersion: dapr.io/v1alpha1\nkind: MCPServer\nmetadata: {name: local}\nspec:\n  endpoint:\n"
        "    stdio:\n      command: tool\n      env:\n      - {name: TOKEN, secretKeyRef: {name: api}}\n"
    )
    resources = folder(tmp_path, stdio)
    for kubernetes, store in ((False, ""), (True, "kubernetes")):
        loaded = load_resources([str(resources)], kubernetes=kubernetes)
        (ref,) = build_references(loaded.other_resources, kubernetes)
        assert (ref.kind, ref.field, ref.store) == ("MCPServer", "endpoint.stdio.env[TOKEN]", store)
