"""dapr-secrets installs under this one name, so nothing generic lands in site-packages.

The code lives in the repository's top-level folders (components/, backends/, tui/); the links here
make them dapr_secrets.components, dapr_secrets.backends and dapr_secrets.tui, in a checkout and
in the built wheel alike.
"""
