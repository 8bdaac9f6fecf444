"""The TUI on both AWS stores against moto's real server: a 2,000-secret Secrets Manager store
opened page by page without reading a value, a previous version revealed and copied, a SecureString
copied, and the detail pane naming the credential that answered (never a key)."""

from __future__ import annotations

from pathlib import Path

from dapr_secrets.tui.widgets.detail import VersionTable
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.helpers.aws import KEYS, REGION
from tests.helpers.tui import Resources, component_yaml, detail_info, highlight, make_app, screen_text, settle, wait_for

SIZE = (120, 40)


def aws_app(tmp_path: Path, aws: str):
    resources = Resources(tmp_path)
    resources.write("sm.yaml", component_yaml("awssm", "secretstores.aws.secretmanager", {"region": REGION, "endpoint": aws, **KEYS}))
    resources.write("ssm.yaml", component_yaml("awsssm", "secretstores.aws.parameterstore", {"region": REGION, **KEYS, "prefix": "/app/"}))
    return make_app(resources.runtime(env={"AWS_ENDPOINT_URL_SSM": aws}))


async def open_store(pilot, name: str):
    pilot.app.query_one(Sidebar).highlight_component(name)
    await wait_for(pilot, lambda: name in pilot.app.views and pilot.app.views[name].listed, timeout=60, what=f"{name} listed")
    await settle(pilot)
    view = pilot.app.views[name]
    assert isinstance(view, StoreView) and view.secret_tree is not None
    return view


async def test_2000_secrets_open_page_by_page_without_reading_a_value(tmp_path, aws, sm, operations):
    for n in range(2000):  # one at a time: moto's server is not safe for concurrent creates
        sm.create_secret(Name=f"team{n % 4}/s{n:04}", SecretString=f"value-{n}")
    operations.start()
    app = aws_app(tmp_path, aws)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_store(pilot, "awssm")
        assert len(view.index) == 2000
        assert operations.names() == ["ListSecrets"] * 20  # 100 names a page, and no GetSecretValue
        assert "value-" not in screen_text(app)


async def test_a_previous_version_is_revealed_and_copied_and_the_credential_named(tmp_path, aws, sm):
    first = sm.create_secret(Name="rotated", SecretString="rotated-one")["VersionId"]
    second = sm.put_secret_value(SecretId="rotated", SecretString="rotated-two")["VersionId"]
    app = aws_app(tmp_path, aws)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_store(pilot, "awssm")
        detail = await highlight(pilot, view.secret_tree, "rotated")
        assert detail.values == {"rotated": "rotated-two"}
        assert [row.key.value for row in app.query_one(VersionTable).ordered_rows] == [second, first]
        info = detail_info(app)
        assert "static keys from the component's accessKey/secretKey (access key ID AKIA…LE12) (answered)" in info
        assert KEYS["secretKey"] not in screen_text(app)
        assert "rotated-one" not in screen_text(app)

        app.query_one(VersionTable).focus()
        await pilot.press("down", "c")
        await wait_for(pilot, lambda: app.clipboard == "rotated-one", what="the previous version copied")
        assert detail.version == first
        assert "rotated-one" not in screen_text(app)  # copied, still masked
        await pilot.press("x")
        await pilot.pause()
        assert "rotated-one" in screen_text(app)


async def test_a_securestring_is_copied_decrypted_and_history_shows_labels_not_values(tmp_path, aws, ssm, operations):
    ssm.put_parameter(Name="/app/db/password", Value="old-password", Type="SecureString")
    ssm.put_parameter(Name="/app/db/password", Value="s3cure-password", Type="SecureString", Overwrite=True)
    ssm.label_parameter_version(Name="/app/db/password", ParameterVersion=1, Labels=["previous"])
    operations.start()
    app = aws_app(tmp_path, aws)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_store(pilot, "awsssm")
        listing = operations.names()
        assert "DescribeParameters" in listing  # listing: no GetParameter, no history
        assert not {"GetParameter", "GetParameterHistory", "GetSecretValue"} & set(listing)
        detail = await highlight(pilot, view.secret_tree, "db/password")
        assert detail.values == {"db/password": "s3cure-password"}
        assert "GetParameterHistory" in operations.names()  # only once a parameter is opened
        assert "labels previous" in screen_text(app)
        assert "old-password" not in screen_text(app) and "s3cure-password" not in screen_text(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == "s3cure-password", what="the SecureString copied")
        assert "s3cure-password" not in screen_text(app)


async def test_parameter_paths_are_folders_on_slash_even_with_a_leading_slash(tmp_path, aws, ssm):
    ssm.put_parameter(Name="/svc/api/token", Value="token-value", Type="SecureString")
    ssm.put_parameter(Name="/svc/api/url", Value="https://x", Type="String")
    resources = Resources(tmp_path)
    resources.write("ssm.yaml", component_yaml("plainssm", "secretstores.aws.parameterstore", {"region": REGION, **KEYS}))
    app = make_app(resources.runtime(env={"AWS_ENDPOINT_URL_SSM": aws}))
    async with app.run_test(size=SIZE) as pilot:
        view = await open_store(pilot, "plainssm")
        detail = await highlight(pilot, view.secret_tree, "/svc/api/token")
        assert detail.values == {"/svc/api/token": "token-value"}
        assert "token-value" not in screen_text(app)
        assert "api" in screen_text(app) and "svc" in screen_text(app)
