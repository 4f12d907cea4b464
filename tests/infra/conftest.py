"""The packaged template, and its stack deployed once onto a moto server for these tests."""

from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from tests.infra.stack_deployment import Deployment, Json, deploy, load_template, packaged_artifact


@pytest.fixture(scope="session")
def template() -> Json:
    return load_template()


# Package scope: the moto server shares moto's in-process state, which other tests' mock_aws resets.
@pytest.fixture(scope="package")
def deployment(template: Json) -> Iterator[Deployment]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield deploy(f"http://{host}:{port}", template, packaged_artifact())
    finally:
        server.stop()
