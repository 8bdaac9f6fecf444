"""Property tests: nothing a user can put in a resources folder or a --config file makes the
loaders raise, every problem comes back as a complete diagnostic, and Go's printing rules hold."""

from __future__ import annotations

import json
import math
import struct
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dapr_secrets.components.config import load_configuration
from dapr_secrets.components.golang import go_float32_text, go_json
from dapr_secrets.components.loader import load_resources, split_documents
from dapr_secrets.components.model import Severity
from dapr_secrets.components.values import go_string, resolve_plain

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments that exercise the YAML and decoding corners: tags, anchors, flow and block styles,
# YAML 1.1 scalars, separators, odd indentation and the fields daprd decodes.
_FRAGMENTS = [
    "apiVersion: dapr.io/v1alpha1\n",
    "kind: Component\n",
    "kind: Configuration\n",
    "metadata:\n",
    "  name: ",
    "spec:\n",
    "  type: secretstores.local.file\n",
    "  metadata:\n",
    "  - name: a\n",
    "    value: ",
    "    secretKeyRef:\n",
    "      name: s\n",
    "    envRef: X\n",
    "auth: {secretStore: e}\n",
    "scopes: ",
    "  secrets:\n",
    "    scopes:\n",
    "    - storeName: ",
    "      allowedSecrets: ",
    "  components: {deny: ",
    "---\n",
    "--- x\n",
    "...\n",
    "\n",
    "  ",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!int ",
    "!!binary ",
    "! ",
    "? ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "#",
    "yes",
    "off",
    "~",
    "null",
    "0x1F",
    "010",
    "1e3",
    ".inf",
    ".nan",
    "-.5",
    "1_000",
    "2024-01-02",
    "12345678901234567890",
    "\t",
    "%YAML 1.1\n",
    "$HOME",
    "${X}",
    "$$",
    "ä",
    "\u2028",
    "\x85",
    "\ufeff",
]
yamlish = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join)


def assert_complete(diagnostics) -> None:
    for diagnostic in diagnostics:
        assert isinstance(diagnostic.severity, Severity)
        assert diagnostic.code and diagnostic.message and diagnostic.hint
        assert diagnostic.source is not None and diagnostic.source.file


def load_folder_with(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        return load_resources([folder], namespace="prod", app_id="app")


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    result = load_folder_with({"a.yaml": data})
    assert_complete(result.diagnostics)


@FAST
@given(yamlish, yamlish)
def test_arbitrary_yamlish_files_never_raise(first, second):
    result = load_folder_with({"a.yaml": first.encode("utf-8", "surrogatepass"), "b.yml": second.encode()})
    assert_complete(result.diagnostics)
    for component in result.components:
        assert isinstance(component.name, str) and component.name
        assert all(isinstance(item.value, (str, type(None))) for item in component.metadata)


@FAST
@given(yamlish, st.dictionaries(st.sampled_from(["HOME", "X", "A"]), st.text(max_size=5)))
def test_arbitrary_config_files_never_raise(text, env):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "config.yaml")
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        configuration, diagnostics = load_configuration([str(path)], env)
    assert_complete(diagnostics)
    assert all(isinstance(scope.store_name, str) for scope in configuration.scopes)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


def same(read: object, written: object) -> bool:
    """JSON equality where Go's digits for an integral float (1e16 -> 10000000000000000) count."""
    if isinstance(written, float):
        return isinstance(read, (int, float)) and float(read) == written
    if isinstance(written, dict):
        return (
            isinstance(read, dict) and read.keys() == written.keys() and all(same(read[k], written[k]) for k in written)
        )
    if isinstance(written, list):
        return isinstance(read, list) and len(read) == len(written) and all(map(same, read, written))
    return read == written and type(read) is type(written)


@FAST
@given(json_values)
def test_go_json_is_json_with_the_same_value(value):
    text = go_json(value)
    assert same(json.loads(text), json.loads(json.dumps(value)))
    assert "<" not in text and ">" not in text and "&" not in text


@FAST
@given(st.text())
def test_go_string_passes_strings_through(text):
    """DynamicValue.String() unquotes the JSON string: no HTML escapes reach the store."""
    assert go_string(text) == text


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_float32_text_reads_back_as_the_same_float32(number):
    back = float(go_float32_text(number))
    assert struct.pack("<f", back) == struct.pack("<f", number) or (back == 0 and number == 0)


@FAST
@given(st.integers(-(2**63), 2**63 - 1))
def test_decimal_integers_resolve_to_themselves(number):
    assert resolve_plain(str(number)) == number


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_go_json_floats_read_back_exactly(number):
    assert float(go_json(number)) == number or (number == 0 and math.copysign(1, number) < 0)


@FAST
@given(st.binary(max_size=300))
def test_split_documents_loses_only_separator_lines(data):
    documents, problem = split_documents(data)
    assert all(data[offset : offset + len(document)] == document for offset, document in documents)
    if b"\n---" not in data:
        assert documents == ([(0, data)] if data else []) and problem is None
