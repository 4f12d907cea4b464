"""The packaged template, and its stack deployed once onto a moto server for the session."""

from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer
from stack_deployment import Deployment, Json, deploy, load_template, packaged_artifact


@pytest.fixture(scope="session")
def template() -> Json:
    return load_template()


@pytest.fixture(scope="session")
def deployment(template: Json) -> Iterator[Deployment]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield deploy(f"http://{host}:{port}", template, packaged_artifact())
    finally:
        server.stop()
