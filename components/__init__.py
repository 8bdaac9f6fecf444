"""What is configured: Dapr components and configurations, loaded the way daprd loads them.

Depends only on the standard library and PyYAML; never on Textual, Rich or a store SDK.
"""

if __name__ != "dapr_secrets.components":  # the checkout's folder imported by its bare name: two copies of every module
    raise ImportError(f"import dapr_secrets.components, not {__name__}")
