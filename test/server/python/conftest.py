"""Fixtures for the boto3 suite: one server for the session, started by serve-for-tests.ts.

Set DW_TEST_ENDPOINT=http://127.0.0.1:PORT to run the suite against another endpoint instead.
"""
import os
import subprocess
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO = Path(__file__).resolve().parents[3]


@contextmanager
def node_process(args, env=None, stderr=None):
    """Runs `node --import tsx <args>` from the repository and yields its first line of output.

    Ends it with SIGTERM (serve-for-tests also ends when its stdin closes, so it never outlives
    pytest), killing it if it has not stopped within ten seconds."""
    proc = subprocess.Popen(
        ["node", "--import", "tsx", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_served = {}


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory):
    external = os.environ.get("DW_TEST_ENDPOINT")
    if external:
        yield external
        return
    # The folder standing in for S3 (each bucket a folder under it), for export and import.
    root = tmp_path_factory.mktemp("buckets")
    env = {**os.environ, "DW_BUCKETS_ROOT": str(root)}
    with node_process([str(REPO / "test/server/serve-for-tests.ts")], env=env) as url:
        assert url.startswith("http://"), f"serve-for-tests printed {url!r}"
        _served["buckets_root"] = root
        yield url


@pytest.fixture(scope="session")
def buckets_root(endpoint):
    """The served database's buckets folder (a pathlib.Path); skipped against an external endpoint."""
    if "buckets_root" not in _served:
        pytest.skip("an external endpoint has no local buckets folder")
    return _served["buckets_root"]


@pytest.fixture(scope="session")
def session_kwargs(endpoint):
    return dict(
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


@pytest.fixture(scope="session")
def client(session_kwargs):
    return boto3.client("dynamodb", **session_kwargs)


@pytest.fixture(scope="session")
def streams(session_kwargs):
    """The DynamoDB Streams client ('dynamodbstreams'), on the same endpoint as DynamoDB's."""
    return boto3.client("dynamodbstreams", **session_kwargs)


@pytest.fixture(scope="session")
def resource(session_kwargs):
    return boto3.resource("dynamodb", **session_kwargs)


def unique(prefix="py"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def table_name(client):
    """A fresh hash+range table (pk S, sk N), deleted afterwards."""
    name = unique()
    client.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    yield name
    try:
        client.delete_table(TableName=name)
    except client.exceptions.ResourceNotFoundException:
        pass
