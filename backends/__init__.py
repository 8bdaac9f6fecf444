"""How to talk to each secret store, and what daprd would do: the store contract, one module per
store type, the registry, and the runtime. Store SDKs are imported lazily inside their backend.
Never imports Textual or Rich.
"""
