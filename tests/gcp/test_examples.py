"""The components in examples/gcp open with the credentials their comments promise."""

from __future__ import annotations

from pathlib import Path

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.components.loader import load_resources
from tests.fakes.secretmanager_server import SecretManagerServer
from tests.helpers.gcp import ServiceAccountKey

EXAMPLES = Path(__file__).parents[2] / "examples" / "gcp" / "components"


def test_examples_load_cleanly() -> None:
    result = load_resources([str(EXAMPLES)])
    assert result.diagnostics == []
    assert sorted(c.name for c in result.components) == ["gcp-adc", "gcp-env", "gcp-key-ignored", "gcp-service-account"]


def test_examples_open_as_their_comments_say(local_gcp: None, sm: SecretManagerServer, tmp_path: Path,
                                            reader_key: ServiceAccountKey, adc_key: ServiceAccountKey) -> None:
    sm.add_secret("db", "v")
    sm.add_service_account("dapr-reader@my-project.iam.gserviceaccount.com", reader_key.key_id, reader_key.public_key)
    env = {
        "GCP_PRIVATE_KEY_ID": reader_key.key_id,
        "GCP_PRIVATE_KEY": reader_key.private_key,
        "GOOGLE_APPLICATION_CREDENTIALS": str(adc_key.key_file(tmp_path / "adc.json")),
    }
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(EXAMPLES),), env=env, cwd=str(tmp_path)))
    try:
        runtime.start()
        for name in ("gcp-service-account", "gcp-adc", "gcp-key-ignored"):
            assert runtime.api_get(name, "db").text() == '{"db":"v"}\n', name
        callers = [r.caller for r in sm.value_requests()]
        assert callers == ["dapr-reader@my-project.iam.gserviceaccount.com", adc_key.email, adc_key.email]
        warnings = [d for d in runtime.doctor() if d.code == "gcp-private-key-ignored"]
        assert [d.component for d in warnings] == ["gcp-key-ignored"]
    finally:
        runtime.close()
