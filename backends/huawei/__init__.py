"""Huawei Cloud CSMS (`secretstores.huaweicloud.csms`): `credentials` resolves the region, endpoint and
project id the way daprd's Init does (and says when daprd would crash); `store` answers GET and bulk
like Dapr's store and browses without values. huaweicloudsdkcsms is the optional extra `[huawei]`,
imported only when a store opens."""
