"""HashiCorp Vault (`secretstores.hashicorp.vault`): `store` reads KV v2 exactly as Dapr's component
does; `settings` reads its metadata, `connection` builds its TLS and HTTP session, `decoding` reads
Vault's answers the way Go does. hvac is imported only when a store opens."""
