"""AWS secret stores: Secrets Manager (`aws.secretmanager`) and SSM Parameter Store
(`aws.parameterstore`). boto3 is an optional extra (`pip install 'dapr-secrets[aws]'`), imported
only when such a store is opened (see `common.boto3_module`)."""
