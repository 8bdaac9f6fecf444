"""Text the app copies for people to paste elsewhere: the Dapr API URL of a secret and a
`secretKeyRef` snippet for a component file. Names only, never values. No Textual here."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

DAPR_HTTP = "http://localhost:3500"

# Plain YAML scalars that stay strings: no indicators, and not a YAML 1.1 bool/null/number.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*")
_YAML_SPECIAL = frozenset(
    ["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"] + ["Y", "Yes", "YES", "N", "No", "NO", "True", "TRUE",
                                                     "False", "FALSE", "On", "ON", "Off", "OFF", "Null", "NULL"]
)


def api_url(store: str, name: str, version: str | None = None, base: str | None = None,
            version_key: str = "version_id") -> str:
    """Where an app reads this secret through its sidecar's HTTP API: the one URL the detail pane
    shows and the palette copies (`base`: a running sidecar's address, else Dapr's default port),
    encoded so that daprd decodes it back to exactly `name`."""
    from dapr_secrets.backends.sidecar import secret_path

    url = (base or DAPR_HTTP) + secret_path(store, name)
    if version:
        url += f"?metadata.{quote(version_key, safe='')}={quote(version.encode('utf-8', 'surrogateescape'), safe='')}"
    return url


def yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar that reads back as exactly this string."""
    if _PLAIN.fullmatch(text) and text not in _YAML_SPECIAL:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def secret_key_ref_yaml(store: str, name: str, key: str | None, field: str | None = None) -> str:
    """A `spec.metadata` item that reads this secret (key defaults to the name, as in Dapr)."""
    key = key or name
    lines = [
        f"- name: {yaml_scalar(field or key)}",
        "  secretKeyRef:",
        f"    name: {yaml_scalar(name)}",
        f"    key: {yaml_scalar(key)}",
        "# and at the component's top level (next to spec):",
        "# auth:",
        f"#   secretStore: {yaml_scalar(store)}",
    ]
    return "\n".join(lines) + "\n"
