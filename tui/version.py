"""The one place the version lives: pyproject.toml reads it from here, `--version` prints it."""

__version__ = "0.1.0"

# The daprd and components-contrib releases whose behaviour this version reproduces
# (/work/shared/reference/dapr-behaviour.md: every rule re-checked against these tags).
DAPR_VERSION = "1.18.3"
COMPONENTS_CONTRIB_VERSION = "1.18.4"


def version_text() -> str:
    return f"dapr-secrets {__version__} (dapr {DAPR_VERSION}, components-contrib {COMPONENTS_CONTRIB_VERSION})"
