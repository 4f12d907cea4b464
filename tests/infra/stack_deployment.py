"""The packaged service (`make package`): its template and zip, the stack on moto, its functions run.

moto runs as a server on the loopback in the test process; each function runs in a process of its
own (lambda_runtime.py) with the environment Lambda gives it in the deployed stack, plus
AWS_ENDPOINT_URL pointing the SDK at moto.
"""

import ast
import copy
import fnmatch
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.telemetry import metrics_of

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS_DIR = ROOT / ".serverless"
TEMPLATE = SERVERLESS_DIR / "cloudformation-template-update-stack.json"
STATE = SERVERLESS_DIR / "serverless-state.json"
RUNTIME = Path(__file__).with_name("lambda_runtime.py")
FAKED_CLOCK = {"LD_PRELOAD", "FAKETIME", "FAKETIME_SHARED"}
"""libfaketime's variables (`make test-dates`): a function runs on the tests' clock, as on Lambda's."""
EVENTS = ROOT / "tests" / "events"

STACK_NAME = "studio-credits-test"
ARTIFACTS_BUCKET = "studio-credits-test-artifacts"
REGION = "us-east-1"

Json = dict[str, Any]

# moto's CloudFormation has no model for these (moto 5.2 warns and skips them), and none of
# them matters to running the functions: the HTTP API (routing and the JWT check: the tests
# send the event API Gateway would, verified claims included), the functions' async-failure
# configuration, the API's SnapStart alias (the tests invoke the function itself), the resource
# policies of the buckets and the job-failures queue, and the web client's CloudFront distribution
# and Cognito app client (infra/web.yml).
# The template tests check them instead. Dropped here, so the stack holds what moto creates.
NOT_MODELLED_BY_MOTO = {
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::Function",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::Cognito::UserPoolClient",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::Lambda::Alias",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
}


STAND_INS = {"WebAppClient": "4f1kq0c2m7r8s9t0u1v2w3x4y5"}
"""Values for references to what moto does not make: the web client's id is the `aud` of the ID
tokens in tests/events/."""
SUB_STAND_INS = {"WebDistribution.DomainName": "d111111abcdef8.cloudfront.net"}
"""Values for the attributes an Fn::Sub string names of what moto does not make (the emails' links)."""


def with_stand_ins(node: object) -> object:
    if isinstance(node, list):
        return [with_stand_ins(item) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"} and node["Ref"] in STAND_INS:
        return STAND_INS[node["Ref"]]
    if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
        text = node["Fn::Sub"]
        for name, value in SUB_STAND_INS.items():
            text = text.replace(f"${{{name}}}", value)
        if "${" not in text:
            return text
    return {key: with_stand_ins(value) for key, value in node.items()}


def load_template() -> Json:
    if not TEMPLATE.exists():
        pytest.fail("no packaged template: run `make package` first")
    template: Json = json.loads(TEMPLATE.read_text())
    return template


def packaged_artifact() -> Path:
    """The zip osls uploads for every function (serverless.yml `package.artifact`)."""
    state = json.loads(STATE.read_text())
    artifact: str = state["service"]["initialServerlessConfig"]["package"]["artifact"]
    return ROOT / artifact


def resources_of_type(template: Json, resource_type: str) -> dict[str, Json]:
    return {name: body for name, body in template["Resources"].items() if body["Type"] == resource_type}


def lambda_functions(template: Json) -> dict[str, Json]:
    """Function resources by their osls name (api, refresh, ...)."""
    functions = resources_of_type(template, "AWS::Lambda::Function")
    return {body["Properties"]["FunctionName"].rsplit("-", 1)[1]: body for body in functions.values()}


SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")
"""${Name} or ${Name.Attribute} in an Fn::Sub string (not ${AWS::Region}, a pseudo parameter)."""


def references(node: object) -> set[str]:
    """The logical ids a piece of template points at with Ref, Fn::GetAtt or Fn::Sub."""
    if isinstance(node, list):
        return set().union(*(references(item) for item in node))
    if not isinstance(node, dict):
        return set()
    found = set().union(*(references(value) for value in node.values()))
    if isinstance(node.get("Ref"), str):
        found.add(node["Ref"])
    if isinstance(node.get("Fn::GetAtt"), list):
        found.add(node["Fn::GetAtt"][0])
    if "Fn::Sub" in node:
        text, variables = (node["Fn::Sub"], {}) if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"]
        found |= {name for name in SUB_VARIABLE.findall(text) if name not in variables}
    return found


def for_moto(template: Json) -> Json:
    """The template as this test deploys it: code from a bucket made first, and without what
    NOT_MODELLED_BY_MOTO lists or what points at it (the HTTP API's invoke permission, its URL output).

    osls puts the code in a deployment bucket the stack itself creates, and uploads the zip
    between creating that bucket and the functions; here the zip is uploaded beforehand.
    """
    adapted: Json = copy.deepcopy(template)
    for body in resources_of_type(adapted, "AWS::Lambda::Function").values():
        body["Properties"]["Environment"] = with_stand_ins(body["Properties"].get("Environment", {}))
    resources, outputs = adapted["Resources"], adapted.get("Outputs", {})
    dropped = {name for name, body in resources.items() if body["Type"] in NOT_MODELLED_BY_MOTO}
    while pointing := {name for name, body in resources.items() if references(body) & dropped} - dropped:
        dropped |= pointing
    for name in dropped:
        del resources[name]
    for name in [name for name, body in outputs.items() if references(body) & dropped]:
        del outputs[name]
    for body in resources_of_type(adapted, "AWS::Lambda::Function").values():
        body["Properties"]["Code"]["S3Bucket"] = ARTIFACTS_BUCKET
    return adapted


@dataclass
class Deployment:
    endpoint: str
    template: Json
    resources: dict[str, str] = field(default_factory=dict)
    """Physical ids by logical id."""

    def client(self, service: str) -> Any:
        session: Any = boto3.session.Session(region_name=REGION)  # Any: the stubs want a literal name
        return session.client(service, endpoint_url=self.endpoint)

    def function_environment(self, function: str) -> dict[str, str]:
        """What Lambda sets for the deployed function, as moto reports it."""
        physical = self.resources[f"{function[0].upper()}{function[1:]}LambdaFunction"]
        configuration = self.client("lambda").get_function_configuration(FunctionName=physical)
        variables: dict[str, str] = configuration["Environment"]["Variables"]
        return variables

    def role_policy(self, function: str) -> list[Json]:
        """The statements of the function's role, its references resolved by the stack."""
        role_logical = lambda_functions(self.template)[function]["Properties"]["Role"]["Fn::GetAtt"][0]
        iam = self.client("iam")
        role = self.resources[role_logical]
        statements: list[Json] = []
        for policy_name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            document = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
            if isinstance(document, str):
                # moto keeps a stack-made role's inline policy as Python's repr of the dict.
                document = ast.literal_eval(document)
            statements += document["Statement"]
        return statements


STRIPE_SECRETS = {
    "STUDIO_CREDITS_STRIPE_API_KEY_PARAMETER": "sk_test_on_moto",
    "STUDIO_CREDITS_STRIPE_WEBHOOK_SECRET_PARAMETER": "whsec_on_moto",
}


def deploy(endpoint: str, template: Json, artifact: Path) -> Deployment:
    deployment = Deployment(endpoint, template)
    s3 = deployment.client("s3")
    s3.create_bucket(Bucket=ARTIFACTS_BUCKET)
    keys = {body["Properties"]["Code"]["S3Key"] for body in lambda_functions(template).values()}
    for key in keys:
        s3.upload_file(str(artifact), ARTIFACTS_BUCKET, key)
    cloudformation = deployment.client("cloudformation")
    cloudformation.create_stack(
        StackName=STACK_NAME,
        TemplateBody=json.dumps(for_moto(template)),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    status = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE", status
    listed = cloudformation.describe_stack_resources(StackName=STACK_NAME)["StackResources"]
    # moto gives Lambda versions and permissions no physical id; nothing here looks them up.
    deployment.resources = {
        row["LogicalResourceId"]: row["PhysicalResourceId"] for row in listed if "PhysicalResourceId" in row
    }
    # The sender's SES identity is verified outside the stack, once per account (README, Deploy).
    sender = deployment.function_environment("notices")["STUDIO_CREDITS_SES_SENDER"]
    deployment.client("ses").verify_email_identity(EmailAddress=sender)
    # So are Stripe's secrets, SecureStrings named by the functions' environment (README, Deploy).
    environment = deployment.function_environment("stripeWebhook")
    for variable, value in STRIPE_SECRETS.items():
        deployment.client("ssm").put_parameter(Name=environment[variable], Value=value, Type="SecureString")
    return deployment


@dataclass
class Invocation:
    result: Any
    calls: list[list[str | None]]
    """[service, IAM-style operation, table, index, SES source] for each AWS call."""
    init_calls: list[list[str | None]]
    """Those made while the handler's module was imported (Lambda's init)."""
    modules: dict[str, str | None]
    printed: list[Json] = field(default_factory=list)
    """What the function printed, each line parsed as JSON: its log lines and its metrics (EMF)."""

    @property
    def log_lines(self) -> list[Json]:
        return [line for line in self.printed if "_aws" not in line]

    @property
    def metrics(self) -> dict[str, tuple[float, str, Json]]:
        return metrics_of(self.printed)


def run_function(
    deployment: Deployment,
    function: str,
    event: Json,
    path: list[str],
    report_modules: tuple[str, ...] = (),
    environment_changes: dict[str, str] | None = None,
) -> Invocation:
    """Invoke the function's handler as Lambda would, with `path` as its only modules (and the
    deployed environment with `environment_changes`, to make it fail)."""
    body = lambda_functions(deployment.template)[function]["Properties"]
    request = {
        "path": path,
        "handler": body["Handler"],
        "function_name": body["FunctionName"],
        "event": event,
        "report_modules": list(report_modules),
    }
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_LAMBDA_FUNCTION_NAME": body["FunctionName"],
        "AWS_ENDPOINT_URL": deployment.endpoint,
        **deployment.function_environment(function),
        **(environment_changes or {}),
        **{name: value for name, value in os.environ.items() if name in FAKED_CLOCK},
    }
    completed = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-I", "-S", str(RUNTIME), json.dumps(request)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    *printed, last = completed.stdout.strip().splitlines()
    output = json.loads(last)
    parsed = [json.loads(line) for line in printed]  # every line the function prints is JSON
    return Invocation(output["result"], output["calls"], output["init_calls"], output["modules"], parsed)


def graphql_event(fixture: str, query: str, variables: Json | None = None) -> Json:
    """An HTTP API v2 event with the fixture's authorizer claims (tests/events/) and a GraphQL body."""
    event: Json = json.loads((EVENTS / f"{fixture}.json").read_text())
    event["body"] = json.dumps({"query": query, "variables": variables or {}})
    event["isBase64Encoded"] = False
    return event


def graphql_response(invocation: Invocation) -> Json:
    assert invocation.result["statusCode"] == 200, invocation.result
    body: Json = json.loads(invocation.result["body"])
    assert "errors" not in body, body["errors"]
    data: Json = body["data"]
    return data


def scheduled_event(rule_name: str, at: str) -> Json:
    """What EventBridge sends a function when its schedule fires."""
    return {
        "version": "0",
        "id": "89d1a02d-5ec7-412e-82f5-13505f849b41",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at,
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/{rule_name}"],
        "detail": {},
    }


ACCOUNT_ID = "123456789012"
"""moto's account."""


def required_permission(call: list[str | None]) -> tuple[str, str]:
    """The IAM action and resource ARN a recorded call needs."""
    service, operation, table, index, source = call
    if service == "dynamodb":
        resource = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{table}"
        return f"dynamodb:{operation}", resource + (f"/index/{index}" if index else "")
    if service == "email":
        return f"ses:{operation}", f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:identity/{source}"
    if service == "ssm":
        return f"ssm:{operation}", f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter{table}"
    raise AssertionError(f"a call no role provides for: {call}")


def allows(statements: list[Json], call: list[str | None]) -> bool:
    action, resource = required_permission(call)
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        from_address = statement.get("Condition", {}).get("StringEquals", {}).get("ses:FromAddress")
        if (
            statement["Effect"] == "Allow"
            and any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in actions)
            and any(fnmatch.fnmatchcase(resource, pattern) for pattern in resources)
            and from_address in (None, call[4])
        ):
            return True
    return False
