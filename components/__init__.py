"""What is configured: Dapr components and configurations, loaded the way daprd loads them.

Depends only on the standard library and PyYAML; never on Textual, Rich or a store SDK.
"""
