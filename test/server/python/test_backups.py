"""Backups, point-in-time recovery, export and import through boto3: botocore parses every answer
by DynamoDB's service model (dates as datetimes, modelled exceptions by their __type), so these
check the endpoint speaks what Python clients expect, not only what the JS SDK accepts."""
import gzip
import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from conftest import unique


def wait_for(probe, done, what, timeout=60):
    until = time.time() + timeout
    last = None
    while time.time() < until:
        last = probe()
        if done(last):
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; last seen {last!r}")


def put(client, table, n, tag, start=0):
    for i in range(start, start + n):
        client.put_item(TableName=table, Item={"pk": {"S": f"p{i}"}, "sk": {"N": str(i)}, "tag": {"S": tag}})


def items_of(client, table):
    items, kwargs = [], {"TableName": table, "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return sorted(items, key=lambda i: int(i["sk"]["N"]))
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def active(client, table):
    return wait_for(lambda: client.describe_table(TableName=table)["Table"], lambda t: t["TableStatus"] == "ACTIVE", f"{table} ACTIVE")


def enable_pitr(client, table):
    return client.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )["ContinuousBackupsDescription"]


def second_between():
    """A whole second strictly after every write so far and before every write after it returns."""
    second = (int(time.time() * 1000) // 1000 + 1)
    time.sleep(max(0, second + 1.1 - time.time()))
    return datetime.fromtimestamp(second, tz=timezone.utc)


def test_a_backup_is_created_listed_restored_and_deleted(client, table_name):
    put(client, table_name, 10, "backed-up")
    before = items_of(client, table_name)
    details = client.create_backup(TableName=table_name, BackupName="py-backup")["BackupDetails"]
    assert details["BackupType"] == "USER"
    assert isinstance(details["BackupCreationDateTime"], datetime)
    arn = details["BackupArn"]
    wait_for(
        lambda: client.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"],
        lambda s: s == "AVAILABLE",
        "the backup",
    )
    put(client, table_name, 3, "after", 100)

    listed = client.list_backups(TableName=table_name)["BackupSummaries"]
    assert [b["BackupArn"] for b in listed] == [arn]
    assert listed[0]["TableName"] == table_name

    target = unique("restored")
    restored = client.restore_table_from_backup(TargetTableName=target, BackupArn=arn)["TableDescription"]
    assert restored["RestoreSummary"]["SourceBackupArn"] == arn
    assert isinstance(restored["RestoreSummary"]["RestoreDateTime"], datetime)
    active(client, target)
    assert items_of(client, target) == before

    deleted = client.delete_backup(BackupArn=arn)["BackupDescription"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    with pytest.raises(client.exceptions.BackupNotFoundException):
        client.describe_backup(BackupArn=arn)


def test_backup_errors_are_botocores_modelled_exceptions(client):
    with pytest.raises(client.exceptions.TableNotFoundException):
        client.create_backup(TableName=unique("missing"), BackupName="nope")
    with pytest.raises(client.exceptions.BackupNotFoundException):
        client.restore_table_from_backup(
            TargetTableName=unique(), BackupArn=f"arn:aws:dynamodb:us-east-1:000000000000:table/{unique()}/backup/01700000000000-deadbeef"
        )


def test_continuous_backups_are_described_and_restored_to_a_second(client, table_name):
    off = client.describe_continuous_backups(TableName=table_name)["ContinuousBackupsDescription"]
    assert off["ContinuousBackupsStatus"] == "ENABLED"
    assert off["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    with pytest.raises(client.exceptions.PointInTimeRecoveryUnavailableException):
        client.restore_table_to_point_in_time(SourceTableName=table_name, TargetTableName=unique(), UseLatestRestorableTime=True)

    on = enable_pitr(client, table_name)["PointInTimeRecoveryDescription"]
    assert on["PointInTimeRecoveryStatus"] == "ENABLED"
    assert isinstance(on["EarliestRestorableDateTime"], datetime)
    put(client, table_name, 5, "first")
    first = items_of(client, table_name)
    t = second_between()
    client.delete_item(TableName=table_name, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}})
    put(client, table_name, 2, "second", 10)

    target = unique("pitr")
    client.restore_table_to_point_in_time(SourceTableName=table_name, TargetTableName=target, RestoreDateTime=t)
    active(client, target)
    assert items_of(client, target) == first

    with pytest.raises(client.exceptions.InvalidRestoreTimeException):
        client.restore_table_to_point_in_time(
            SourceTableName=table_name, TargetTableName=unique(), RestoreDateTime=datetime.now(timezone.utc) - timedelta(days=1)
        )
    with pytest.raises(client.exceptions.TableAlreadyExistsException):
        client.restore_table_to_point_in_time(SourceTableName=table_name, TargetTableName=target, UseLatestRestorableTime=True)


def test_a_recovery_period_outside_1_to_35_days_is_a_validation_error(client, table_name):
    with pytest.raises(client.exceptions.ClientError) as excinfo:
        client.update_continuous_backups(
            TableName=table_name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 36}
        )
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_an_export_writes_the_files_an_import_reads_back(client, table_name, buckets_root):
    enable_pitr(client, table_name)
    put(client, table_name, 12, "exported")
    expected = items_of(client, table_name)
    arn = client.describe_table(TableName=table_name)["Table"]["TableArn"]
    started = client.export_table_to_point_in_time(TableArn=arn, S3Bucket="py-bucket", S3Prefix="exp")["ExportDescription"]
    done = wait_for(
        lambda: client.describe_export(ExportArn=started["ExportArn"])["ExportDescription"],
        lambda d: d["ExportStatus"] != "IN_PROGRESS",
        "the export",
    )
    assert done["ExportStatus"] == "COMPLETED"
    assert done["ItemCount"] == 12
    assert [e["ExportArn"] for e in client.list_exports(TableArn=arn)["ExportSummaries"]] == [started["ExportArn"]]

    summary = json.loads((buckets_root / "py-bucket" / done["ExportManifest"]).read_text())
    data_files = [json.loads(line)["dataFileS3Key"] for line in (buckets_root / "py-bucket" / summary["manifestFilesS3Key"]).read_text().splitlines() if line]
    lines = [json.loads(line) for f in data_files for line in gzip.decompress((buckets_root / "py-bucket" / f).read_bytes()).decode().splitlines() if line]
    assert sorted((l["Item"] for l in lines), key=lambda i: int(i["sk"]["N"])) == expected

    target = unique("imported")
    data_prefix = done["ExportManifest"].rsplit("/", 1)[0] + "/data/"
    imp = client.import_table(
        S3BucketSource={"S3Bucket": "py-bucket", "S3KeyPrefix": data_prefix},
        InputFormat="DYNAMODB_JSON",
        InputCompressionType="GZIP",
        TableCreationParameters={
            "TableName": target,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]
    finished = wait_for(
        lambda: client.describe_import(ImportArn=imp["ImportArn"])["ImportTableDescription"],
        lambda d: d["ImportStatus"] != "IN_PROGRESS",
        "the import",
    )
    assert finished["ImportStatus"] == "COMPLETED"
    assert finished["ImportedItemCount"] == 12
    assert finished["ErrorCount"] == 0
    assert any(i["ImportArn"] == imp["ImportArn"] for i in client.list_imports()["ImportSummaryList"])
    active(client, target)
    assert items_of(client, target) == expected


def test_export_and_import_errors_are_botocores_modelled_exceptions(client, table_name, buckets_root):
    arn = client.describe_table(TableName=table_name)["Table"]["TableArn"]
    with pytest.raises(client.exceptions.PointInTimeRecoveryUnavailableException):
        client.export_table_to_point_in_time(TableArn=arn, S3Bucket="py-bucket")
    with pytest.raises(client.exceptions.ExportNotFoundException):
        client.describe_export(ExportArn=f"{arn}/export/01700000000000-deadbeef")
    with pytest.raises(client.exceptions.ImportNotFoundException):
        client.describe_import(ImportArn=f"{arn}/import/01700000000000-deadbeef")
