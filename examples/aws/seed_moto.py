"""Put a few secrets and parameters into moto (or LocalStack) for the examples in README.md.

    python examples/aws/seed_moto.py http://127.0.0.1:5000
"""

import sys

import boto3

endpoint = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
keys = {"region_name": "us-east-1", "aws_access_key_id": "test", "aws_secret_access_key": "test", "endpoint_url": endpoint}
sm = boto3.client("secretsmanager", **keys)
ssm = boto3.client("ssm", **keys)

sm.create_secret(Name="orders/db", SecretString='{"user":"orders","password":"demo-db-password","port":5432}')
sm.create_secret(Name="orders/api-key", SecretString="demo-api-key-1")
sm.put_secret_value(SecretId="orders/api-key", SecretString="demo-api-key-2")  # AWSPREVIOUS keeps -1
sm.create_secret(Name="orders/certificate", SecretBinary=b"\x30\x82")  # binary: Dapr returns {}

ssm.put_parameter(Name="/myapp/db/password", Value="demo-ssm-password-1", Type="SecureString")
ssm.put_parameter(Name="/myapp/db/password", Value="demo-ssm-password-2", Type="SecureString", Overwrite=True)
ssm.label_parameter_version(Name="/myapp/db/password", ParameterVersion=1, Labels=["previous"])
ssm.put_parameter(Name="/myapp/hosts", Value="a.internal,b.internal", Type="StringList")
ssm.put_parameter(Name="/myapplication/unrelated", Value="demo-other", Type="String")
print(f"seeded {endpoint}: 3 secrets, 3 parameters")
