"""How it is shown: the Textual app, its widgets, the clipboard service and the CLI entry point."""

if __name__ != "dapr_secrets.tui":  # the checkout's folder imported by its bare name: two copies of every module
    raise ImportError(f"import dapr_secrets.tui, not {__name__}")
