"""HashiCorp Vault (`secretstores.hashicorp.vault`): `store` reads KV v2 exactly as Dapr's component
does; `settings` reads its metadata, `connection` builds its TLS and HTTP session, `decoding` reads
Vault's answers the way Go does. hvac is imported only when a store opens."""

from dapr_secrets.backends.base import StoreOption

TOKEN_FROM_ENV = StoreOption(
    "vault_token_from_env", "when a Vault component's own token cannot be resolved, use VAULT_TOKEN or ~/.vault-token"
)
OPTIONS = (TOKEN_FROM_ENV,)  # asked for by the registry: the CLI offers them (issue #4)
