"""boto3 against `serve` with DYNAMO_WORKSPACE_AUTH_KEYS: botocore's own SigV4 (header form and a
presigned URL) is accepted with the right secret and refused with DynamoDB's errors otherwise.
Skipped when DW_TEST_ENDPOINT points the suite at another endpoint (its keys are unknown here)."""
import os
import subprocess
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import REPO, node_process

KEY_ID = "AKIDBOTOSUITE"
SECRET = "boto/suite+secret/0123456789"

pytestmark = pytest.mark.skipif(bool(os.environ.get("DW_TEST_ENDPOINT")), reason="needs its own signed endpoint")


@pytest.fixture(scope="module")
def signed_endpoint():
    env = dict(os.environ, DYNAMO_WORKSPACE_AUTH_KEYS=f"{KEY_ID}:{SECRET}")
    serve = [str(REPO / "src/cli.ts"), "serve", "--in-memory", "--port", "0"]
    with node_process(serve, env=env, stderr=subprocess.DEVNULL) as line:
        assert line.startswith("Dynamo Workspace endpoint: "), f"serve printed {line!r}"
        yield line.split(": ", 1)[1]


def client(endpoint, key_id, secret):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def error_code(fn):
    with pytest.raises(ClientError) as info:
        fn()
    return info.value.response["Error"]["Code"]


def test_boto3_with_the_configured_key_creates_and_lists_a_table(signed_endpoint):
    c = client(signed_endpoint, KEY_ID, SECRET)
    c.create_table(
        TableName="boto-signed",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert "boto-signed" in c.list_tables()["TableNames"]


def test_boto3_with_a_wrong_secret_or_an_unknown_key_is_refused(signed_endpoint):
    assert error_code(lambda: client(signed_endpoint, KEY_ID, "wrong").list_tables()) == "InvalidSignatureException"
    assert error_code(lambda: client(signed_endpoint, "AKIDNOBODY", SECRET).list_tables()) == "UnrecognizedClientException"


def test_a_presigned_url_from_botocore_is_accepted(signed_endpoint):
    c = client(signed_endpoint, KEY_ID, SECRET)
    url = c.generate_presigned_url("list_tables", Params={}, ExpiresIn=120, HttpMethod="POST")
    # botocore presigns the query-string form over an empty body with the operation in X-Amz-Target.
    request = urllib.request.Request(
        url,
        data=b"",
        method="POST",
        headers={"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode()
    assert status == 200, body
