"""AWS errors for people: each service error botocore raises becomes a typed StoreError whose
message is the Go SDK's text (what daprd prints) and whose hint says what to do. The errors are
botocore's own ClientError, built from the response shapes AWS sends."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from dapr_secrets.backends.base import AccessDenied, SecretNotFound, StoreError, StoreUnreachable
from tests.helpers.aws import KEYS, REGION


def client_error(code: str, message: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "req-1"}},
        "GetSecretValue",
    )


@pytest.mark.parametrize(
    ("code", "message", "kind", "hint"),
    [
        ("ExpiredTokenException", "The security token included in the request is expired", AccessDenied, "expired"),
        ("UnrecognizedClientException", "The security token included in the request is invalid.", AccessDenied, "check the access key"),
        ("AccessDeniedException", "User: arn:aws:iam::1:user/app is not authorized to perform: secretsmanager:GetSecretValue",
         AccessDenied, "may not call secretsmanager:GetSecretValue on secret 'db'"),
        ("AccessDeniedException", "Access to KMS is not allowed", AccessDenied, "kms:Decrypt"),
        ("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
         AccessDenied, "kms:Decrypt"),
        ("ThrottlingException", "Rate exceeded", StoreUnreachable, "4 attempts with backoff"),
        ("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", SecretNotFound, "in region us-east-1"),
    ],
)
def test_service_errors_are_typed_with_a_hint(open_sm, code, message, kind, hint):
    store = open_sm({"region": REGION, **KEYS})
    error = store.connection.translate(client_error(code, message), "GetSecretValue", "secret 'db'")
    assert type(error) is kind
    assert error.message == (
        f"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: req-1, {code}: {message}"
    )
    assert hint in error.hint


def test_bulk_reports_the_first_failing_secret_in_listing_order(sm, open_sm):
    # contrib secretmanager.go BulkGetSecret: one by one in page order; ours reads concurrently
    for name in ("a-ok", "b-novalue", "c-ok", "d-novalue"):
        if name.endswith("novalue"):
            sm.create_secret(Name=name)
        else:
            sm.create_secret(Name=name, SecretString="v")
    with pytest.raises(StoreError) as error:
        open_sm().bulk_get({})
    assert error.value.message == "couldn't get secret: b-novalue"
