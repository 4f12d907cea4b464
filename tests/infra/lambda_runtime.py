"""Stands in for the Lambda runtime: one handler, one event, in a process of its own.

Run as `python -I -S lambda_runtime.py REQUEST_JSON`: no site-packages, no PYTHONPATH, so the
modules come only from the request's `path` (the unpacked zip, or the source tree and the venv).
Prints the handler's result; the AWS calls it made (service, operation, table or parameter, index,
sender), from
which the tests check the function's IAM role, and those of its import (Lambda's init); and how long
the import and the invocation took. bench/cold_start.py times cold starts with `"record_calls": false`,
which leaves botocore unimported until the handler imports it. Imports only the stdlib up front.
"""

import json
import sys
import time
from typing import Any


class Context:
    """The parts of the Lambda context object that Mangum and the jobs read."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = "5a0d7c9e-4b1f-4e2a-9c3d-8e7f6a5b4c3d"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/11/24/[$LATEST]00000000000000000000000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 290_000


def record_aws_calls(calls: list[list[str | None]]) -> None:
    """Notes each call as IAM sees it: a transaction counts once per item, as an item action."""
    from botocore import client as botocore_client

    base_client: Any = botocore_client.BaseClient  # Any: the private method is not in botocore's stubs
    make_api_call = base_client._make_api_call

    def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.endpoint_prefix
        if operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                ((kind, body),) = item.items()
                calls.append([service, f"{kind}Item", body["TableName"], None, None])
        else:
            # The resource named: a table (with its index) or, for SSM, a parameter.
            named = params.get("TableName", params.get("Name"))
            calls.append([service, operation, named, params.get("IndexName"), params.get("Source")])
        return make_api_call(client, operation, params)

    base_client._make_api_call = recording


def main() -> None:
    request = json.loads(sys.argv[1])
    sys.path[:0] = request["path"]
    calls: list[list[str | None]] = []
    if request.get("record_calls", True):
        record_aws_calls(calls)
    started, cpu_started = time.perf_counter(), time.process_time()
    module_name, _, attribute = request["handler"].replace("/", ".").rpartition(".")
    module = __import__(module_name, fromlist=[attribute])
    initialised, init_calls = time.perf_counter(), list(calls)
    result = getattr(module, attribute)(request["event"], Context(request["function_name"]))
    seconds = {
        "init": initialised - started,
        "invoke": time.perf_counter() - initialised,
        "cpu": time.process_time() - cpu_started,
    }
    modules = {
        name: getattr(sys.modules.get(name), "__file__", None) for name in request.get("report_modules", [])
    }
    reply = {"result": result, "calls": calls, "init_calls": init_calls, "modules": modules}
    print(json.dumps({**reply, "seconds": seconds}, default=str))


if __name__ == "__main__":
    main()
