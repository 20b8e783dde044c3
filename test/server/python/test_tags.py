"""Tags and the rest of the API surface through boto3 (issue 16): tagging calls with botocore's
modelled errors and its own paging of ListTagsOfResource, DescribeEndpoints, deflate-compressed
bodies and operations we do not serve."""
import json
import urllib.request
import zlib

import pytest
from botocore.exceptions import ClientError

from conftest import unique


def arn_of(client, name):
    return client.describe_table(TableName=name)["Table"]["TableArn"]


def all_tags(client, arn):
    tags, token, pages = [], None, 0
    while True:
        kwargs = {"ResourceArn": arn, **({"NextToken": token} if token else {})}
        out = client.list_tags_of_resource(**kwargs)
        tags += out["Tags"]
        pages += 1
        token = out.get("NextToken")
        if not token:
            return tags, pages


def test_create_table_tags_then_tag_untag_and_list_every_page(client):
    name = unique()
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "z", "Value": "last"}],
    )
    arn = arn_of(client, name)
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i:02}", "Value": str(i)} for i in range(40)])
    client.untag_resource(ResourceArn=arn, TagKeys=["k00", "absent"])
    tags, pages = all_tags(client, arn)
    assert tags == [{"Key": f"k{i:02}", "Value": str(i)} for i in range(1, 40)] + [{"Key": "z", "Value": "last"}]
    assert pages > 1


def test_tagging_errors_are_botocore_exceptions_of_dynamodbs_types(client, table_name):
    arn = arn_of(client, table_name)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as missing:
        client.list_tags_of_resource(ResourceArn=arn + "x")
    assert missing.value.response["Error"]["Message"] == f"Requested resource not found: ResourcArn: {arn}x not found"
    with pytest.raises(ClientError) as reserved:
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": "aws:owner", "Value": "me"}])
    assert reserved.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as too_many:
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert too_many.value.response["Error"]["Code"] == "ValidationException"
    assert all_tags(client, arn)[0] == []


def test_describe_endpoints(client):
    assert client.describe_endpoints()["Endpoints"] == [{"Address": "dynamodb.us-east-1.amazonaws.com", "CachePeriodInMinutes": 1440}]


def test_an_operation_we_do_not_serve_is_unknown_operation(client):
    with pytest.raises(ClientError) as excinfo:
        client.list_global_tables()
    assert excinfo.value.response["Error"]["Code"] == "UnknownOperationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_deflate_body_is_read(endpoint, client, table_name):
    request = urllib.request.Request(
        endpoint + "/",
        data=zlib.compress(json.dumps({"TableName": table_name}).encode()),
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.DescribeTable",
            "Content-Encoding": "deflate",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    with urllib.request.urlopen(request) as res:
        assert json.loads(res.read())["Table"]["TableName"] == table_name


def test_every_operation_in_botocores_model_sent_empty_is_a_400_never_a_500(endpoint, session_kwargs):
    """Whatever an SDK may send: each operation of botocore's DynamoDB model, with no members,
    answers 400 with a modelled or coral error (UnknownOperationException for those not served)."""
    import boto3
    from botocore.config import Config

    kwargs = {**session_kwargs, "config": Config(retries={"max_attempts": 1}, parameter_validation=False)}
    raw = boto3.client("dynamodb", **kwargs)
    unknown, not_sent = [], []
    for operation in raw.meta.service_model.operation_names:
        try:
            raw._make_api_call(operation, {})
            continue  # an operation that needs nothing (ListTables, DescribeLimits, ...)
        except ClientError as err:
            status = err.response["ResponseMetadata"]["HTTPStatusCode"]
            code = err.response["Error"]["Code"]
        except Exception:
            # botocore's endpoint rules read some members (BatchGetItem's table names) before sending.
            not_sent.append(operation)
            continue
        assert status == 400, f"{operation}: {status} {code}"
        assert code.endswith("Exception") or code == "RequestLimitExceeded", f"{operation}: {code}"
        if code == "UnknownOperationException":
            unknown.append(operation)
    # Served operations are never answered as unknown; global tables, resource policies and the like are.
    for served in ["TagResource", "UntagResource", "ListTagsOfResource", "DescribeEndpoints", "Query", "CreateTable"]:
        assert served not in unknown
    assert "ListGlobalTables" in unknown and "PutResourcePolicy" in unknown
    assert len(not_sent) <= 5, not_sent
