"""PartiQL through boto3: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, with
botocore's modelled exceptions (DuplicateItemException, TransactionCanceledException)."""
import pytest

from conftest import unique


@pytest.fixture
def table(client):
    name = unique("pq")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def test_statements_insert_select_update_and_refuse_a_taken_key(client, table):
    client.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 1, 'n': 5}}", Parameters=[{"S": "a"}])
    with pytest.raises(client.exceptions.DuplicateItemException) as excinfo:
        client.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 1}}")
    assert excinfo.value.response["Error"]["Message"] == "Duplicate primary key exists in table"
    updated = client.execute_statement(
        Statement=f"UPDATE \"{table}\" SET n = n + 2 WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED NEW *"
    )
    assert updated["Items"] == [{"n": {"N": "7"}}]
    got = client.execute_statement(Statement=f"SELECT n FROM \"{table}\" WHERE pk = 'a' AND sk = 1", ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert got["Items"] == [{"n": {"N": "7"}}]
    assert got["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_a_batch_answers_per_statement_and_a_transaction_is_all_or_nothing(client, table):
    batch = client.batch_execute_statement(
        Statements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 1, 'n': 1}}"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 2}}"},
            {"Statement": f"UPDATE \"{table}\" SET n = 2 WHERE pk = 'zz' AND sk = 1"},
        ]
    )
    assert [r.get("Error", {}).get("Code", "ok") for r in batch["Responses"]] == ["ok", "ok", "ConditionalCheckFailed"]
    with pytest.raises(client.exceptions.TransactionCanceledException) as excinfo:
        client.execute_transaction(
            TransactStatements=[
                {"Statement": f"UPDATE \"{table}\" SET n = 9 WHERE pk = 'b' AND sk = 1"},
                {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 2}}"},
            ]
        )
    reasons = excinfo.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ValidationError"]
    got = client.execute_statement(Statement=f"SELECT n FROM \"{table}\" WHERE pk = 'b' AND sk = 1")
    assert got["Items"] == [{"n": {"N": "1"}}]
