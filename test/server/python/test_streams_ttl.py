"""DynamoDB Streams and time to live through boto3: the 'dynamodbstreams' client reads a table's
stream (every operation and its errors), and TTL deletions arrive in it as REMOVE records made by
the service. botocore parses answers by its own service model, so a field the endpoint spells
differently from DynamoDB (userIdentity's PrincipalId and Type, say) is simply missing here."""
import time

import pytest
from botocore.exceptions import ClientError

from conftest import unique


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def create_stream_table(client, view_type="NEW_AND_OLD_IMAGES"):
    name = unique("st")
    out = client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type},
    )["TableDescription"]
    return name, out["LatestStreamArn"]


def all_shards(streams, arn):
    shards, start = [], None
    while True:
        kwargs = {"StreamArn": arn}
        if start:
            kwargs["ExclusiveStartShardId"] = start
        desc = streams.describe_stream(**kwargs)["StreamDescription"]
        shards += desc["Shards"]
        start = desc.get("LastEvaluatedShardId")
        if not start:
            return shards


def read_all(streams, arn):
    """Every record of every shard, parents first (shards are listed oldest first)."""
    records = []
    for shard in all_shards(streams, arn):
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while it:
            out = streams.get_records(ShardIterator=it)
            records += out["Records"]
            it = out.get("NextShardIterator")
            if not out["Records"]:
                break
    return records


def eventually(what, seconds, check):
    deadline = time.monotonic() + seconds
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_table_with_a_stream_is_listed_and_described(client, streams):
    name, arn = create_stream_table(client, "NEW_IMAGE")
    assert arn.endswith("/stream/" + client.describe_table(TableName=name)["Table"]["LatestStreamLabel"])
    listed = streams.list_streams(TableName=name)["Streams"]
    assert [s["StreamArn"] for s in listed] == [arn]
    assert listed[0]["TableName"] == name
    desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert desc["StreamStatus"] in ("ENABLING", "ENABLED")
    assert desc["StreamViewType"] == "NEW_IMAGE"
    assert desc["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert len(desc["Shards"]) == 1
    assert "EndingSequenceNumber" not in desc["Shards"][0]["SequenceNumberRange"]


def test_records_follow_the_changes_in_order_and_skip_writes_that_change_nothing(client, streams):
    name, arn = create_stream_table(client)
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    client.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "2"}})
    client.delete_item(TableName=name, Key={"pk": {"S": "nobody"}})
    client.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    records = read_all(streams, arn)
    assert [(r["eventName"], r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage")) for r in records] == [
        ("INSERT", None, {"pk": {"S": "a"}, "v": {"N": "1"}}),
        ("MODIFY", {"pk": {"S": "a"}, "v": {"N": "1"}}, {"pk": {"S": "a"}, "v": {"N": "2"}}),
        ("REMOVE", {"pk": {"S": "a"}, "v": {"N": "2"}}, None),
    ]
    for r in records:
        assert r["eventSource"] == "aws:dynamodb"
        assert r["eventVersion"] == "1.1"
        assert r["dynamodb"]["Keys"] == {"pk": {"S": "a"}}
        assert r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert r["dynamodb"]["SizeBytes"] > 0
        assert "userIdentity" not in r
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(set(numbers))


def test_iterator_types_start_where_they_say(client, streams):
    name, arn = create_stream_table(client, "KEYS_ONLY")
    for k in ("r1", "r2", "r3"):
        client.put_item(TableName=name, Item={"pk": {"S": k}})
    shard = all_shards(streams, arn)[0]["ShardId"]
    second = read_all(streams, arn)[1]["dynamodb"]["SequenceNumber"]

    def keys(**kwargs):
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **kwargs)["ShardIterator"]
        return [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=it)["Records"]]

    assert keys(ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=second) == ["r2", "r3"]
    assert keys(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=second) == ["r3"]
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    client.put_item(TableName=name, Item={"pk": {"S": "r4"}})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=latest)["Records"]] == ["r4"]
    page = streams.get_records(ShardIterator=streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"], Limit=2)
    assert len(page["Records"]) == 2 and page["NextShardIterator"]


def test_streams_errors_have_dynamodbs_types(client, streams):
    name, arn = create_stream_table(client, "KEYS_ONLY")
    shard = all_shards(streams, arn)[0]["ShardId"]
    missing = arn.rsplit("/stream/", 1)[0] + "/stream/2001-01-01T00:00:00.000"
    with pytest.raises(ClientError) as e:
        streams.describe_stream(StreamArn=missing)
    assert code_of(e) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        streams.get_shard_iterator(StreamArn=arn, ShardId="shardId-00000000000000000000-00000000", ShardIteratorType="TRIM_HORIZON")
    assert code_of(e) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER")
    assert code_of(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        streams.get_records(ShardIterator="not-an-iterator-at-all")
    assert code_of(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        streams.list_streams(Limit=101)
    assert code_of(e) == "ValidationException"


def test_a_disabled_streams_shard_drains_to_its_end(client, streams):
    name, arn = create_stream_table(client, "KEYS_ONLY")
    client.put_item(TableName=name, Item={"pk": {"S": "before"}})
    client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    client.put_item(TableName=name, Item={"pk": {"S": "after"}})
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == "DISABLED"
    shard = all_shards(streams, arn)[-1]
    assert "EndingSequenceNumber" in shard["SequenceNumberRange"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    keys = []
    while it:
        out = streams.get_records(ShardIterator=it)
        keys += [r["dynamodb"]["Keys"]["pk"]["S"] for r in out["Records"]]
        it = out.get("NextShardIterator")
    assert keys == ["before"]


def test_time_to_live_rules(client):
    name = unique("ttl")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert client.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    out = client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert out["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "exp"}
    assert client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] in ("ENABLING", "ENABLED")
    eventually("TTL ENABLED", 15, lambda: client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED")
    with pytest.raises(ClientError) as e:
        client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert code_of(e) == "ValidationException"
    assert e.value.response["Error"]["Message"] == "TimeToLive is already enabled"
    with pytest.raises(ClientError) as e:
        client.describe_time_to_live(TableName=unique("missing"))
    assert code_of(e) == "ResourceNotFoundException"


def test_ttl_deletions_reach_the_stream_as_removes_by_the_service(client, streams):
    name, arn = create_stream_table(client)
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    eventually("TTL ENABLED", 15, lambda: client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED")
    past = str(int(time.time()) - 60)
    client.put_item(TableName=name, Item={"pk": {"S": "old"}, "exp": {"N": past}})
    client.put_item(TableName=name, Item={"pk": {"S": "fresh"}, "exp": {"N": str(int(time.time()) + 3600)}})
    eventually("the sweep", 20, lambda: "Item" not in client.get_item(TableName=name, Key={"pk": {"S": "old"}}))
    assert "Item" in client.get_item(TableName=name, Key={"pk": {"S": "fresh"}})
    removes = [r for r in read_all(streams, arn) if r["eventName"] == "REMOVE"]
    assert len(removes) == 1
    assert removes[0]["dynamodb"]["Keys"] == {"pk": {"S": "old"}}
    assert removes[0]["dynamodb"]["OldImage"] == {"pk": {"S": "old"}, "exp": {"N": past}}
    assert removes[0]["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
