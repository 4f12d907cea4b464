"""The packaged CloudFormation template matches the code: tables and indexes as the PynamoDB
models declare them, handlers that import, schedules on their jobs, and each role's reach."""

import importlib
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from studio_credits.jobs.scheduled import SCHEDULES as JOB_PERIODS
from studio_credits.store.models import AccountModel, LedgerItem
from tests.infra.stack_deployment import Json, lambda_functions, references, resources_of_type

TABLES: dict[str, type[Model]] = {"AccountsTable": AccountModel, "LedgerTable": LedgerItem}
SCHEDULES = {"refresh": "rate(15 minutes)", "notices": "rate(1 day)", "sweep": "rate(5 minutes)"}
QUERIED_INDEXES = {
    "api": set(),
    "refresh": {AccountModel.by_refresh.Meta.index_name},
    "notices": {AccountModel.by_notice.Meta.index_name},
    "sweep": {AccountModel.by_hold_expiry.Meta.index_name},
}


def test_the_local_test_clock_runs_each_job_as_often_as_its_schedule() -> None:
    units = {"minute": timedelta(minutes=1), "minutes": timedelta(minutes=1), "day": timedelta(days=1)}
    for job, expression in SCHEDULES.items():
        count, unit = expression.removeprefix("rate(").removesuffix(")").split()
        assert JOB_PERIODS[job] == int(count) * units[unit], job


def key_schema(rows: Sequence[Mapping[str, Any]]) -> set[tuple[str, str]]:
    return {(row["AttributeName"], row["KeyType"]) for row in rows}


def statements(template: Json, function: str) -> list[Json]:
    role = lambda_functions(template)[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    found: list[Json] = []
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        found += policy["PolicyDocument"]["Statement"]
    return found


def actions(statement: Json) -> list[str]:
    listed: Any = statement["Action"]
    return listed if isinstance(listed, list) else [listed]


@pytest.mark.parametrize("resource", TABLES)
def test_each_table_is_the_model(template: Json, resource: str) -> None:
    model = TABLES[resource]
    schema = model._get_schema()
    table = template["Resources"][resource]
    properties = table["Properties"]

    assert key_schema(properties["KeySchema"]) == key_schema(schema["key_schema"])
    assert {(row["AttributeName"], row["AttributeType"]) for row in properties["AttributeDefinitions"]} == {
        (row["AttributeName"], row["AttributeType"]) for row in schema["attribute_definitions"]
    }
    declared = {
        index["IndexName"]: (key_schema(index["KeySchema"]), index["Projection"]["ProjectionType"])
        for index in properties.get("GlobalSecondaryIndexes", [])
    }
    modelled = {
        index["index_name"]: (key_schema(index["key_schema"]), index["projection"]["ProjectionType"])
        for index in schema["global_secondary_indexes"]
    }
    assert declared == modelled
    assert "LocalSecondaryIndexes" not in properties
    assert not schema["local_secondary_indexes"]

    ttl = [name for name, attribute in model.get_attributes().items() if isinstance(attribute, TTLAttribute)]
    specification = properties.get("TimeToLiveSpecification")
    assert (specification or {}).get("AttributeName") == (ttl[0] if ttl else None)

    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_every_function_handler_imports(template: Json) -> None:
    functions = lambda_functions(template)
    assert set(functions) == {"api", *SCHEDULES}
    for function in functions.values():
        module, _, attribute = function["Properties"]["Handler"].replace("/", ".").rpartition(".")
        assert callable(getattr(importlib.import_module(module), attribute))


def test_each_schedule_runs_its_job_with_somewhere_for_failures(template: Json) -> None:
    functions = lambda_functions(template)
    scheduled = {}
    for rule in resources_of_type(template, "AWS::Events::Rule").values():
        (target,) = rule["Properties"]["Targets"]
        (function_resource,) = references(target["Arn"])
        function = next(
            name for name, body in functions.items() if template["Resources"][function_resource] is body
        )
        scheduled[function] = rule["Properties"]["ScheduleExpression"]
        assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["JobFailuresQueue", "Arn"]}
        assert functions[function]["Properties"]["Handler"] == f"functions/{function}.handler"
    assert scheduled == SCHEDULES

    # What cfn-lint's ES1007 is for (.cfnlintrc.yaml says why it is ignored).
    invoke_configs = resources_of_type(template, "AWS::Lambda::EventInvokeConfig").values()
    with_failure_destination = {
        next(iter(references(config["Properties"]["FunctionName"])))
        for config in invoke_configs
        if config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    }
    for permission in resources_of_type(template, "AWS::Lambda::Permission").values():
        if permission["Properties"]["Principal"] == "events.amazonaws.com":
            assert references(permission["Properties"]["FunctionName"]) <= with_failure_destination


def test_the_api_is_behind_the_jwt_authorizer(template: Json) -> None:
    (authorizer_id, authorizer), *_ = resources_of_type(template, "AWS::ApiGatewayV2::Authorizer").items()
    assert authorizer["Properties"]["AuthorizerType"] == "JWT"
    assert authorizer["Properties"]["JwtConfiguration"]["Issuer"].startswith("https://cognito-idp.")
    routes = {
        route["Properties"]["RouteKey"]: route["Properties"]
        for route in resources_of_type(template, "AWS::ApiGatewayV2::Route").values()
    }
    assert set(routes) == {"POST /graphql", "GET /graphql"}
    for route in routes.values():
        assert route["AuthorizationType"] == "JWT"
        assert route["AuthorizerId"] == {"Ref": authorizer_id}


@pytest.mark.parametrize("function", QUERIED_INDEXES)
def test_each_role_reaches_only_what_its_function_uses(template: Json, function: str) -> None:
    granted = statements(template, function)
    assert not [action for statement in granted for action in actions(statement) if action.endswith("*")]
    queried = {
        str(statement["Resource"]["Fn::Sub"]).rpartition("/index/")[2]
        for statement in granted
        if isinstance(statement["Resource"], dict) and "/index/" in str(statement["Resource"])
    }
    assert queried == QUERIED_INDEXES[function]
    sends_email = any(action.startswith("ses:") for statement in granted for action in actions(statement))
    assert sends_email == (function == "notices")


def test_environment_comes_from_one_place(template: Json) -> None:
    environments = [body["Properties"]["Environment"] for body in lambda_functions(template).values()]
    assert all(environment == environments[0] for environment in environments)
    assert set(environments[0]["Variables"]) >= {
        "STUDIO_CREDITS_ACCOUNTS_TABLE",
        "STUDIO_CREDITS_LEDGER_TABLE",
    }
