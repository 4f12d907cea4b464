"""The packaged template's alarms, each on what it watches with its threshold, all to the SNS
topic the stage gives; log retention on every log group; the dashboard; the runbook covers each."""

import json
from typing import Any

import pytest

from tests.infra.stack_deployment import ROOT, Json, lambda_functions, references, resources_of_type

TOPIC = "arn:aws:sns:us-east-1:123456789012:studio-credits-test-alarms"
"""serverless.yml's `alarmTopicArn` for the test stage."""
SERVICE = [{"Name": "service", "Value": "studio-credits-test"}]

# Alarm name (after the stage's prefix): namespace, metric, statistic, period, comparison, threshold.
SINGLE_METRIC_ALARMS: dict[str, tuple[str, str, str, int, str, float]] = {
    "api-p99-latency": ("AWS/ApiGateway", "Latency", "p99", 300, "GreaterThanThreshold", 1000),
    **{
        f"{function}-{metric.lower()}": ("AWS/Lambda", metric, "Sum", 300, "GreaterThanOrEqualToThreshold", 1)
        for function in ("api", "refresh", "notices", "sweep")
        for metric in ("Errors", "Throttles")
    },
    "refresh-failed": ("StudioCredits", "RefreshFailed", "Sum", 900, "GreaterThanOrEqualToThreshold", 1),
    "refresh-left-behind": ("StudioCredits", "RefreshLeft", "Sum", 900, "GreaterThanOrEqualToThreshold", 1),
    "refresh-not-running": ("StudioCredits", "RefreshRuns", "Sum", 1800, "LessThanThreshold", 1),
    "job-failures-queue": (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "Maximum",
        300,
        "GreaterThanOrEqualToThreshold",
        1,
    ),
    "ses-bounce-rate": ("AWS/SES", "Reputation.BounceRate", "Maximum", 3600, "GreaterThanThreshold", 0.05),
    "ses-complaint-rate": (
        "AWS/SES",
        "Reputation.ComplaintRate",
        "Maximum",
        3600,
        "GreaterThanThreshold",
        0.001,
    ),
    "ses-sending-quota": ("AWS/SES", "Send", "Sum", 86400, "GreaterThanOrEqualToThreshold", 40_000),
}
METRIC_MATH_ALARMS = {
    "api-5xx-rate": ("GreaterThanThreshold", 1),
    **{
        f"{table}-table-{kind}": ("GreaterThanOrEqualToThreshold", 1)
        for table in ("accounts", "ledger")
        for kind in ("throttled", "system-errors")
    },
}
RUNBOOK = ROOT / "docs" / "operations.md"


def alarms(template: Json) -> dict[str, Json]:
    found = resources_of_type(template, "AWS::CloudWatch::Alarm").values()
    return {
        body["Properties"]["AlarmName"].removeprefix("studio-credits-test-"): body["Properties"]
        for body in found
    }


def test_every_alarm_is_there_and_nothing_else(template: Json) -> None:
    assert set(alarms(template)) == set(SINGLE_METRIC_ALARMS) | set(METRIC_MATH_ALARMS)


@pytest.mark.parametrize("name", SINGLE_METRIC_ALARMS)
def test_each_alarm_watches_its_metric_with_its_threshold(template: Json, name: str) -> None:
    alarm = alarms(template)[name]
    namespace, metric, statistic, period, comparison, threshold = SINGLE_METRIC_ALARMS[name]
    assert (alarm["Namespace"], alarm["MetricName"]) == (namespace, metric)
    assert alarm.get("Statistic", alarm.get("ExtendedStatistic")) == statistic
    assert (alarm["Period"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
        period,
        comparison,
        threshold,
    )
    assert alarm["AlarmActions"] == alarm["OKActions"] == [TOPIC]
    if namespace == "StudioCredits":
        assert alarm["Dimensions"] == SERVICE  # the dimension the functions' metrics carry
    if namespace == "AWS/Lambda":
        function = name.split("-", maxsplit=1)[0]
        assert function in lambda_functions(template)
        assert alarm["Dimensions"] == [
            {"Name": "FunctionName", "Value": {"Ref": f"{function.capitalize()}LambdaFunction"}}
        ]


def test_no_refresh_run_in_30_minutes_alarms_even_when_nothing_is_written(template: Json) -> None:
    assert alarms(template)["refresh-not-running"]["TreatMissingData"] == "breaching"


@pytest.mark.parametrize("name", METRIC_MATH_ALARMS)
def test_each_metric_math_alarm_has_its_threshold(template: Json, name: str) -> None:
    alarm = alarms(template)[name]
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == METRIC_MATH_ALARMS[name]
    assert alarm["AlarmActions"] == [TOPIC]
    [returned] = [query for query in alarm["Metrics"] if query.get("ReturnData", True)]
    watched = [query["MetricStat"]["Metric"] for query in alarm["Metrics"] if "MetricStat" in query]
    if name.startswith(("accounts", "ledger")):
        table = "AccountsTable" if name.startswith("accounts") else "LedgerTable"
        assert returned["Expression"] == "SUM(METRICS())"
        assert {metric["MetricName"] for metric in watched} == {
            "ThrottledRequests" if "throttled" in name else "SystemErrors"
        }
        dimensions = [dimension for metric in watched for dimension in metric["Dimensions"]]
        operations = {dimension["Value"] for dimension in dimensions if dimension["Name"] == "Operation"}
        # The operations the store calls (store/): reads, the due-index queries, commits, notice claims.
        assert operations == {"GetItem", "Query", "TransactWriteItems", "UpdateItem"}
        assert all(references(metric["Dimensions"]) == {table} for metric in watched)
    else:
        assert {metric["MetricName"] for metric in watched} == {"5xx", "Count"}


def test_every_log_group_keeps_its_logs_30_days(template: Json) -> None:
    groups = resources_of_type(template, "AWS::Logs::LogGroup")
    assert len(groups) == 6  # the five functions' and the HTTP API's access log
    assert {body["Properties"]["RetentionInDays"] for body in groups.values()} == {30}


def test_the_dashboard_shows_the_service_s_figures(template: Json) -> None:
    (dashboard,) = resources_of_type(template, "AWS::CloudWatch::Dashboard").values()
    body: Any = json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    text = json.dumps(body)
    figures = [
        "{StudioCredits,CreativeKind,Plan,service}",  # every Credits* metric, by kind and plan
        "RefusalType",
        "ConflictRetries",
        "Unavailable",
        "RequestLatency",
        "RefreshLeft",
        "NoticesEmails",
        "SweepReleased",
        "ColdStart",
        "Reputation.BounceRate",
    ]
    assert [figure for figure in figures if figure not in text] == []


@pytest.mark.parametrize("name", [*SINGLE_METRIC_ALARMS, *METRIC_MATH_ALARMS])
def test_the_runbook_says_what_to_do_for_each_alarm(template: Json, name: str) -> None:
    description = alarms(template)[name]["AlarmDescription"]
    anchor = description.rsplit("docs/operations.md#", 1)[1].rstrip(")")
    headings = [line for line in RUNBOOK.read_text().splitlines() if line.startswith("### ")]
    slugs = {_slug(heading.removeprefix("### ")) for heading in headings}
    assert anchor in slugs, (name, anchor)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, spaces to dashes, punctuation dropped."""
    kept = "".join(char for char in heading.lower() if char.isalnum() or char in " -")
    return kept.replace(" ", "-")
