"""The workspace database through boto3, Python's AWS SDK: botocore signs every request, checks
the x-amz-crc32 of every answer, and parses errors its own way."""
import urllib.request
import zlib
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr
from boto3.dynamodb.types import Binary
from botocore.exceptions import ClientError

from conftest import unique


def error_of(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_health_check(endpoint):
    with urllib.request.urlopen(endpoint + "/") as res:
        assert res.status == 200
        assert res.read() == b"healthy: dynamodb.us-east-1.amazonaws.com "


def test_every_answer_carries_a_correct_crc32(client, table_name):
    seen = []

    def capture(response_dict, **_):
        seen.append((response_dict["headers"].get("x-amz-crc32"), response_dict["body"]))

    client.meta.events.register("before-parse.dynamodb.*", capture)
    try:
        client.put_item(TableName=table_name, Item={"pk": {"S": "crc"}, "sk": {"N": "1"}, "u": {"S": "ünïcödé ✓"}})
        client.get_item(TableName=table_name, Key={"pk": {"S": "crc"}, "sk": {"N": "1"}})
        with pytest.raises(ClientError):
            client.describe_table(TableName=unique("missing"))
    finally:
        client.meta.events.unregister("before-parse.dynamodb.*", capture)
    assert len(seen) == 3
    for header, body in seen:
        assert header == str(zlib.crc32(body))


def test_table_lifecycle(client):
    name = unique()
    created = client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
    )["TableDescription"]
    assert created["TableName"] == name
    assert created["ProvisionedThroughput"]["ReadCapacityUnits"] == 2

    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    described = client.describe_table(TableName=name)["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]

    names = []
    for page in client.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 1}):
        names.extend(page["TableNames"])
    assert name in names
    assert names == sorted(names)

    client.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 5})
    assert client.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]["WriteCapacityUnits"] == 5

    client.delete_table(TableName=name)
    with pytest.raises(ClientError) as excinfo:
        client.describe_table(TableName=name)
    code, message, status = error_of(excinfo)
    assert code == "ResourceNotFoundException"
    assert message.startswith("Requested resource not found")
    assert status == 400


def test_all_types_round_trip_through_the_resource_layer(resource, table_name):
    table = resource.Table(table_name)
    item = {
        "pk": "types",
        "sk": Decimal(1),
        "s": "héllo 𝄞",
        "empty": "",
        "n": Decimal("-12.5"),
        "big": Decimal("12345678901234567890123456789012345678"),
        "b": Binary(b"\x00\x01\xfe\xff"),
        "t": True,
        "f": False,
        "nul": None,
        "ss": {"a", "b"},
        "ns": {Decimal(1), Decimal("2.5")},
        "bs": {Binary(b"\x01"), Binary(b"\x02\x03")},
        "l": ["x", Decimal(1), None, [], {}],
        "m": {"nested": {"deeper": [{"leaf": "bottom"}]}, "set": {"only"}},
    }
    table.put_item(Item=item)
    got = table.get_item(Key={"pk": "types", "sk": 1}, ConsistentRead=True)["Item"]
    assert got == item


def test_return_values(client, table_name):
    key = {"pk": {"S": "rv"}, "sk": {"N": "1"}}
    assert "Attributes" not in client.put_item(TableName=table_name, Item={**key, "a": {"N": "1"}}, ReturnValues="ALL_OLD")
    old = client.put_item(TableName=table_name, Item={**key, "a": {"N": "2"}, "c": {"S": "x"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"] == {**key, "a": {"N": "1"}}

    def update(return_values):
        return client.update_item(
            TableName=table_name,
            Key=key,
            UpdateExpression="SET a = a + :one REMOVE c",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues=return_values,
        ).get("Attributes")

    assert update("UPDATED_OLD") == {"a": {"N": "2"}, "c": {"S": "x"}}
    assert update("UPDATED_NEW") == {"a": {"N": "4"}}
    assert update("ALL_NEW") == {**key, "a": {"N": "5"}}
    assert update("ALL_OLD") == {**key, "a": {"N": "5"}}
    assert update("NONE") is None

    deleted = client.delete_item(TableName=table_name, Key=key, ReturnValues="ALL_OLD")
    assert deleted["Attributes"] == {**key, "a": {"N": "7"}}
    assert "Item" not in client.get_item(TableName=table_name, Key=key)


def test_conditional_check_failure(resource, client, table_name):
    table = resource.Table(table_name)
    table.put_item(Item={"pk": "cond", "sk": 1, "v": 1})
    with pytest.raises(ClientError) as excinfo:
        table.put_item(Item={"pk": "cond", "sk": 1, "v": 2}, ConditionExpression=Attr("pk").not_exists())
    code, message, status = error_of(excinfo)
    assert code == "ConditionalCheckFailedException"
    assert message == "The conditional request failed"
    assert status == 400

    with pytest.raises(client.exceptions.ConditionalCheckFailedException) as excinfo:
        client.delete_item(
            TableName=table_name,
            Key={"pk": {"S": "cond"}, "sk": {"N": "1"}},
            ConditionExpression="v = :nine",
            ExpressionAttributeValues={":nine": {"N": "9"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert excinfo.value.response["Item"] == {"pk": {"S": "cond"}, "sk": {"N": "1"}, "v": {"N": "1"}}


def test_validation_errors(client, table_name):
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table_name, Item={"pk": {"S": "x"}})
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message == "One or more parameter values were invalid: Missing the key sk in the item"

    with pytest.raises(ClientError) as excinfo:
        client.get_item(TableName=table_name, Key={"pk": {"S": "x"}})
    code, message, _ = error_of(excinfo)
    assert (code, message) == ("ValidationException", "The provided key element does not match the schema")


def test_missing_table(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_item(TableName=unique("missing"), Key={"pk": {"S": "x"}})
    code, message, status = error_of(excinfo)
    assert (code, message, status) == ("ResourceNotFoundException", "Requested resource not found", 400)
