"""The packaged CloudFormation template matches the code: tables and indexes as the PynamoDB
models declare them, handlers that import, schedules on their jobs, each role's reach, and the
web client's hosting and sign-in."""

import importlib
import json
import subprocess
import sys
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
    "stripeWebhook": set(),
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
    assert set(functions) == {"api", "stripeWebhook", *SCHEDULES}
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
    assert set(routes) == {"POST /graphql", "GET /graphql", "POST /stripe/webhook"}
    stripe = routes.pop("POST /stripe/webhook")
    for route in routes.values():
        assert route["AuthorizationType"] == "JWT"
        assert route["AuthorizerId"] == {"Ref": authorizer_id}
    # Stripe sends no token: the function verifies each event's signature instead.
    assert stripe.get("AuthorizationType", "NONE") == "NONE" and "AuthorizerId" not in stripe
    assert stripe["Target"]["Fn::Join"][1][1] == {"Ref": "HttpApiIntegrationStripeWebhook"}


def test_every_function_runs_on_the_python_the_zip_is_built_and_tested_with(template: Json) -> None:
    runtimes = {function["Properties"]["Runtime"] for function in lambda_functions(template).values()}
    assert runtimes == {f"python{sys.version_info.major}.{sys.version_info.minor}"}


def test_the_http_api_invokes_the_api_s_snapstart_alias(template: Json) -> None:
    api = lambda_functions(template)["api"]
    assert api["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    ((alias_id, alias),) = resources_of_type(template, "AWS::Lambda::Alias").items()
    assert alias["Properties"]["FunctionName"] == {"Ref": "ApiLambdaFunction"}
    (version,) = references(alias["Properties"]["FunctionVersion"])
    assert template["Resources"][version]["Type"] == "AWS::Lambda::Version"
    aliased = {"Fn::Join": [":", [{"Fn::GetAtt": ["ApiLambdaFunction", "Arn"]}, alias["Properties"]["Name"]]]}
    integration = template["Resources"]["HttpApiIntegrationApi"]
    assert integration["Properties"]["IntegrationUri"] == aliased
    assert template["Resources"]["ApiLambdaPermissionHttpApi"]["Properties"]["FunctionName"] == aliased
    assert alias_id == "ApiSnapStartLambdaAlias"


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


STRIPE_PARAMETERS = (
    "STUDIO_CREDITS_STRIPE_API_KEY_PARAMETER",
    "STUDIO_CREDITS_STRIPE_WEBHOOK_SECRET_PARAMETER",
)


@pytest.mark.parametrize("function", ["api", "stripeWebhook", *SCHEDULES])
def test_only_the_functions_that_charge_or_hear_stripe_read_its_secrets(
    template: Json, function: str
) -> None:
    variables = lambda_functions(template)[function]["Properties"]["Environment"]["Variables"]
    parameters = {
        f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{variables[name]}"
        for name in STRIPE_PARAMETERS
    }
    granted = statements(template, function)
    readable = {
        resource["Fn::Sub"]
        for statement in granted
        if "ssm:GetParameter" in actions(statement)
        for resource in statement["Resource"]
    }
    decrypting = [statement for statement in granted if "kms:Decrypt" in actions(statement)]
    if function in {"api", "stripeWebhook"}:
        assert readable == parameters
        (decrypt,) = decrypting
        assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == {
            "Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"
        }
        context = decrypt["Condition"]["ForAnyValue:StringEquals"]["kms:EncryptionContext:PARAMETER_ARN"]
        assert {arn["Fn::Sub"] for arn in context} == parameters
    else:
        assert (readable, decrypting) == (set(), [])
    assert not [
        action
        for statement in granted
        for action in actions(statement)
        if action.startswith("ssm:") and action != "ssm:GetParameter"
    ]


def test_no_stripe_secret_is_in_the_template(template: Json) -> None:
    text = json.dumps(template)
    assert "sk_test_" not in text and "sk_live_" not in text and "whsec_" not in text


def test_environment_comes_from_one_place(template: Json) -> None:
    environments = [body["Properties"]["Environment"] for body in lambda_functions(template).values()]
    assert all(environment == environments[0] for environment in environments)
    assert set(environments[0]["Variables"]) >= {
        "STUDIO_CREDITS_ACCOUNTS_TABLE",
        "STUDIO_CREDITS_LEDGER_TABLE",
    }


def test_the_emails_link_to_the_web_client_s_distribution(template: Json) -> None:
    environment = next(iter(lambda_functions(template).values()))["Properties"]["Environment"]["Variables"]
    assert environment["STUDIO_CREDITS_WEB_URL"] == {"Fn::Sub": "https://${WebDistribution.DomainName}"}


MANAGED_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
MANAGED_ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def distribution(template: Json) -> Json:
    (body,) = resources_of_type(template, "AWS::CloudFront::Distribution").values()
    config: Json = body["Properties"]["DistributionConfig"]
    return config


def test_the_web_bucket_is_private_and_read_only_by_the_distribution(template: Json) -> None:
    (bucket_id, bucket), *others = [
        (name, body)
        for name, body in resources_of_type(template, "AWS::S3::Bucket").items()
        if name != "ServerlessDeploymentBucket"
    ]
    assert others == []
    assert set(bucket["Properties"]["PublicAccessBlockConfiguration"].values()) == {True}
    (policy,) = [
        body
        for body in resources_of_type(template, "AWS::S3::BucketPolicy").values()
        if body["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    allowed = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert [(s["Principal"], s["Action"]) for s in allowed] == [
        ({"Service": "cloudfront.amazonaws.com"}, "s3:GetObject")
    ]
    [distribution_id] = resources_of_type(template, "AWS::CloudFront::Distribution")
    assert references(allowed[0]["Condition"]["StringEquals"]["AWS:SourceArn"]) == {distribution_id}

    (s3_origin,) = [origin for origin in distribution(template)["Origins"] if "S3OriginConfig" in origin]
    assert references(s3_origin["DomainName"]) == {bucket_id}
    assert s3_origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # access control, not an identity
    (access_control_id,) = references(s3_origin["OriginAccessControlId"])
    access_control = template["Resources"][access_control_id]["Properties"]["OriginAccessControlConfig"]
    assert (access_control["OriginAccessControlOriginType"], access_control["SigningBehavior"]) == (
        "s3",
        "always",
    )
    assert distribution(template)["DefaultCacheBehavior"]["TargetOriginId"] == s3_origin["Id"]


def test_graphql_goes_uncached_to_the_http_api_on_the_same_origin(template: Json) -> None:
    config = distribution(template)
    (behavior,) = config["CacheBehaviors"]
    assert behavior["PathPattern"] == "/graphql"
    assert {"GET", "POST", "OPTIONS"} <= set(behavior["AllowedMethods"])
    assert behavior["CachePolicyId"] == MANAGED_CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == MANAGED_ALL_VIEWER_EXCEPT_HOST_HEADER  # Authorization too
    (api_origin,) = [origin for origin in config["Origins"] if origin["Id"] == behavior["TargetOriginId"]]
    assert references(api_origin["DomainName"]) == {"HttpApi"}
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert behavior["ViewerProtocolPolicy"] != "allow-all"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] != "allow-all"


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/plan", "/index.html"),
        ("/history", "/index.html"),
        ("/", "/"),  # the default root object
        ("/assets/index-abc.js", "/assets/index-abc.js"),
        ("/config.json", "/config.json"),
    ],
)
def test_the_web_client_s_pages_are_its_index(template: Json, uri: str, served: str) -> None:
    (association,) = distribution(template)["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    (function_id,) = references(association["FunctionARN"])
    code = template["Resources"][function_id]["Properties"]["FunctionCode"]
    event = json.dumps({"request": {"uri": uri, "headers": {}}})

    ran = subprocess.run(  # noqa: S603 (node runs the function's own code)
        ["node", "-e", f"{code}\nprocess.stdout.write(handler({event}).uri)"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )

    assert ran.stdout == served


def test_the_web_client_signs_in_with_the_hosted_ui_code_flow_and_pkce(template: Json) -> None:
    (client_id, client), *others = resources_of_type(template, "AWS::Cognito::UserPoolClient").items()
    assert others == []
    properties = client["Properties"]
    assert properties["GenerateSecret"] is False  # a public client: PKCE, no secret in the browser
    assert properties["AllowedOAuthFlows"] == ["code"]
    assert "openid" in properties["AllowedOAuthScopes"]
    [distribution_id] = resources_of_type(template, "AWS::CloudFront::Distribution")
    assert all(references(url) == {distribution_id} for url in properties["CallbackURLs"])

    (authorizer,) = resources_of_type(template, "AWS::ApiGatewayV2::Authorizer").values()
    assert {"Ref": client_id} in authorizer["Properties"]["JwtConfiguration"]["Audience"]
    config_text, variables = template["Outputs"]["WebConfig"]["Value"]["Fn::Sub"]
    config = json.loads(config_text)
    assert config["signIn"] == "cognito" and config["clientId"] == f"${{{client_id}}}"
    assert config["issuer"] == "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"
    assert variables["Pool"] in authorizer["Properties"]["JwtConfiguration"]["Issuer"]


def test_the_functions_know_the_two_app_clients_the_authorizer_accepts(template: Json) -> None:
    [web_client] = resources_of_type(template, "AWS::Cognito::UserPoolClient")
    (authorizer,) = resources_of_type(template, "AWS::ApiGatewayV2::Authorizer").values()
    environment = next(iter(lambda_functions(template).values()))["Properties"]["Environment"]["Variables"]

    clients = [environment["STUDIO_CREDITS_WEB_CLIENT_ID"], environment["STUDIO_CREDITS_SERVICE_CLIENT_ID"]]

    assert clients == [{"Ref": web_client}, "6q7r8s9t0u1v2w3x4y5z6a7b8c"]  # the test stage's parameter
    assert authorizer["Properties"]["JwtConfiguration"]["Audience"] == clients
