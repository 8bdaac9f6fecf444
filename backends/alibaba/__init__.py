"""Alibaba Cloud OOS encrypted parameters (`secretstores.alicloud.parameterstore`): `credentials`
reads the metadata and builds the signing key the way contrib's Init/getClient does; `store` answers
GET and bulk like Dapr's store and browses without values. alibabacloud-oos20190601 is the optional
extra `[alibaba]`, imported only when a store opens."""
