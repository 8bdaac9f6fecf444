"""How it is shown: the Textual app, its widgets, the clipboard service and the CLI entry point."""
