"""TransactWriteItems and TransactGetItems through boto3: botocore's own parsing of
TransactionCanceledException (CancellationReasons in the response), the idempotency token boto3
fills in by itself, and the resource layer's client used with transactions."""
import uuid

import pytest
from botocore.exceptions import ClientError


def key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def test_a_transaction_commits_every_action_and_transact_get_reads_them_in_order(client, table_name):
    client.put_item(TableName=table_name, Item={**key("a", 1), "n": {"N": "1"}})
    out = client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table_name, "Item": {**key("a", 2), "s": {"S": "two"}}}},
            {"Update": {"TableName": table_name, "Key": key("a", 1), "UpdateExpression": "SET n = n + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert out["ConsumedCapacity"] == [{"TableName": table_name, "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}]
    got = client.transact_get_items(
        TransactItems=[{"Get": {"TableName": table_name, "Key": key("a", sk)}} for sk in (1, 2, 3)],
    )
    assert got["Responses"] == [
        {"Item": {**key("a", 1), "n": {"N": "2"}}},
        {"Item": {**key("a", 2), "s": {"S": "two"}}},
        {},
    ]


def test_a_cancelled_transaction_reports_its_reasons_and_writes_nothing(client, table_name):
    client.put_item(TableName=table_name, Item={**key("c", 1), "v": {"N": "5"}})
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table_name, "Item": key("c", 2)}},
                {"ConditionCheck": {"TableName": table_name, "Key": key("c", 1), "ConditionExpression": "v > :v",
                                    "ExpressionAttributeValues": {":v": {"N": "9"}},
                                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            ],
        )
    err = excinfo.value.response
    assert err["Error"]["Code"] == "TransactionCanceledException"
    assert err["Error"]["Message"] == "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"
    assert err["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {**key("c", 1), "v": {"N": "5"}}},
    ]
    assert "Item" not in client.get_item(TableName=table_name, Key=key("c", 2))


def test_a_client_request_token_makes_a_retry_harmless_and_a_changed_request_a_mismatch(client, table_name):
    token = str(uuid.uuid4())
    request = dict(
        TransactItems=[{"Update": {"TableName": table_name, "Key": key("t", 1), "UpdateExpression": "ADD c :one",
                                   "ExpressionAttributeValues": {":one": {"N": "1"}}}}],
        ClientRequestToken=token,
    )
    client.transact_write_items(**request)
    client.transact_write_items(**request)
    assert client.get_item(TableName=table_name, Key=key("t", 1))["Item"]["c"] == {"N": "1"}
    request["TransactItems"][0]["Update"]["ExpressionAttributeValues"][":one"] = {"N": "2"}
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(**request)
    assert excinfo.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def test_two_actions_on_one_item_are_refused(client, table_name):
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table_name, "Item": key("d", 1)}},
                {"Delete": {"TableName": table_name, "Key": key("d", 1)}},
            ],
        )
    err = excinfo.value.response["Error"]
    assert (err["Code"], err["Message"]) == ("ValidationException", "Transaction request cannot include multiple operations on one item")
