"""Azure Key Vault (`secretstores.azure.keyvault`): `credentials` finds the vault and builds Dapr's
credential chain; `store` answers GET and bulk like Dapr's store and browses without values.
azure-identity and azure-keyvault-secrets are imported only when a store opens."""
