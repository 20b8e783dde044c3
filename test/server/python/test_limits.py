"""Quotas through boto3 (issue 12.3): DescribeLimits, and LimitExceededException as botocore's
modelled exception for a table above the per-table quota."""
import pytest

from conftest import unique


def test_describe_limits_returns_the_default_quotas(client):
    limits = client.describe_limits()
    assert limits["AccountMaxReadCapacityUnits"] == 80000
    assert limits["AccountMaxWriteCapacityUnits"] == 80000
    assert limits["TableMaxReadCapacityUnits"] == 40000
    assert limits["TableMaxWriteCapacityUnits"] == 40000


def test_a_table_above_the_per_table_quota_raises_limit_exceeded(client):
    name = unique()
    with pytest.raises(client.exceptions.LimitExceededException) as excinfo:
        client.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            ProvisionedThroughput={"ReadCapacityUnits": 1_000_000_000_000, "WriteCapacityUnits": 1},
        )
    assert "Per table maximum: 40000." in excinfo.value.response["Error"]["Message"]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_table(TableName=name)
