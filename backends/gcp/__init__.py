"""Google Cloud Secret Manager (`secretstores.gcp.secretmanager`): `credentials` decides who we are
the way contrib's getClient does; `store` answers GET and bulk like Dapr's store and browses without
values. google-cloud-secret-manager is the optional extra `[gcp]`, imported only when a store opens."""
