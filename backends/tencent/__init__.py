"""Tencent Cloud Secrets Manager (`secretstores.tencentcloud.ssm`); the SDK is the `[tencent]` extra."""
