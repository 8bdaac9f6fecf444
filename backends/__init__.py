"""How to talk to each secret store, and what daprd would do: the store contract, one module per
store type, the registry, and the runtime. Store SDKs are imported lazily inside their backend.
Never imports Textual or Rich.
"""

if __name__ != "dapr_secrets.backends":  # the checkout's folder imported by its bare name: two copies of every module
    raise ImportError(f"import dapr_secrets.backends, not {__name__}")
