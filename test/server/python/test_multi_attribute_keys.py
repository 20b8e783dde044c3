"""GSIs with multi-attribute keys through boto3 (issue 16): the resource API's Key conditions on
every partition attribute and a leading sort attribute, and DynamoDB's refusal of a gap in the
sort attributes as a botocore ClientError. Passes against DynamoDB Local 2026-01-16 as well
(DW_TEST_ENDPOINT)."""
import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from conftest import unique


@pytest.fixture
def scores(resource):
    table = resource.create_table(
        TableName=unique(),
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "game", "AttributeType": "S"},
            {"AttributeName": "season", "AttributeType": "N"},
            {"AttributeName": "score", "AttributeType": "N"},
            {"AttributeName": "player", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{
            "IndexName": "leaderboard",
            "KeySchema": [
                {"AttributeName": "game", "KeyType": "HASH"},
                {"AttributeName": "season", "KeyType": "HASH"},
                {"AttributeName": "score", "KeyType": "RANGE"},
                {"AttributeName": "player", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
    )
    with table.batch_writer() as batch:
        for i, (season, score, player) in enumerate([(1, 50, "ann"), (1, 70, "bob"), (1, 50, "cid"), (2, 90, "dee"), (1, 10, "eve")]):
            batch.put_item(Item={"id": f"i{i}", "game": "chess", "season": season, "score": score, "player": player, "extra": "not projected"})
    yield table
    table.delete()


def test_query_a_season_best_first_by_both_partition_attributes(scores):
    out = scores.query(IndexName="leaderboard", KeyConditionExpression=Key("game").eq("chess") & Key("season").eq(1), ScanIndexForward=False)
    assert [(int(i["score"]), i["player"]) for i in out["Items"]] == [(70, "bob"), (50, "cid"), (50, "ann"), (10, "eve")]
    assert all("extra" not in i for i in out["Items"])


def test_equality_on_the_first_sort_attribute_then_a_range_on_the_second(scores):
    out = scores.query(
        IndexName="leaderboard",
        KeyConditionExpression=Key("game").eq("chess") & Key("season").eq(1) & Key("score").eq(50) & Key("player").gt("ann"),
    )
    assert [i["player"] for i in out["Items"]] == ["cid"]


def test_a_condition_on_the_second_sort_attribute_alone_is_refused(scores):
    with pytest.raises(ClientError) as excinfo:
        scores.query(IndexName="leaderboard", KeyConditionExpression=Key("game").eq("chess") & Key("season").eq(1) & Key("player").eq("ann"))
    err = excinfo.value.response["Error"]
    assert err["Code"] == "ValidationException"
    assert err["Message"] == "RANGE key attributes score must have equality conditions specified in the query because a condition is present on key attribute player"
