"""Many workers, one account, two local servers on one embedded DynamoDB: every spend answered as
charged is in the ledger once, nothing is overdrawn, and the balance is the ledger's sum.

Two `studio-credits dev` processes serve the same tables (the second is started with the first's
DynamoDB endpoint), so concurrent transactions on one account meet in the embedded DynamoDB, as
they would in DynamoDB behind several Lambda containers.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.http.dev_server import DevServer, dev_server
from tests.http.hot_account import (
    IMAGE_CREDITS,
    SpendRequest,
    discrepancies,
    open_account,
    read_books,
    service_token,
    spend_concurrently,
)

WORKERS = 16


@dataclass(frozen=True)
class SharedTables:
    first: DevServer
    second: DevServer

    @property
    def urls(self) -> tuple[str, str]:
        return self.first.url, self.second.url

    @property
    def both(self) -> tuple[DevServer, DevServer]:
        return self.first, self.second


@pytest.fixture(scope="module")
def servers() -> Iterator[SharedTables]:
    with dev_server() as first, dev_server("--dynamodb-endpoint", first.dynamodb_endpoint) as second:
        yield SharedTables(first, second)


def test_the_second_server_uses_the_first_s_dynamodb(servers: SharedTables) -> None:
    assert servers.second.dynamodb_endpoint == servers.first.dynamodb_endpoint


DEMO_BOOKS = """{ viewer {
  usage { totalCredits }
  history(first: 100) { edges { node { id at amount description } } }
} }"""


def test_the_second_server_finds_the_demo_person_seeded_and_adds_nothing(servers: SharedTables) -> None:
    first, second = (server.post({"query": DEMO_BOOKS}, server.tokens["user"]) for server in servers.both)

    assert second == first
    assert len(first["data"]["viewer"]["history"]["edges"]) == 100


def test_every_spend_of_16_workers_on_a_business_account_is_in_the_ledger(servers: SharedTables) -> None:
    open_account(servers.first.url, "hot-business", plan="business")  # 7,000 credits
    token = service_token()
    requests = [SpendRequest(servers.urls[n % 2], f"business-job-{n}") for n in range(WORKERS * 6)]

    answers, _ = spend_concurrently("hot-business", requests, WORKERS, token)
    books = read_books(servers.second.url, "hot-business", token)

    assert Counter(answer.outcome for answer in answers) == {"CreditsConsumed": 96}
    assert Counter(entry["kind"] for entry in books.entries) == {"GRANT": 2, "PLAN_CHANGE": 1, "CONSUME": 96}
    assert books.balance == 7_000 - 96 * IMAGE_CREDITS == 6_616
    assert discrepancies(answers, books) == []


def test_16_workers_retrying_every_spend_on_both_servers_overdraw_nothing_and_charge_once(
    servers: SharedTables,
) -> None:
    open_account(servers.first.url, "hot-free")  # the free plan's 100 credits: 25 images of 4
    token = service_token()
    # 40 jobs, each sent to both servers under its one key (a retry): 25 are charged, once each.
    requests = [SpendRequest(url, f"free-job-{n}") for n in range(40) for url in servers.urls]

    answers, _ = spend_concurrently("hot-free", requests, WORKERS, token)
    books = read_books(servers.first.url, "hot-free", token)

    assert Counter(answer.outcome for answer in answers) == {"CreditsConsumed": 50, "InsufficientCredits": 30}
    assert Counter(entry["kind"] for entry in books.entries) == {"GRANT": 1, "CONSUME": 25}
    assert books.balance == 100 - 25 * IMAGE_CREDITS == 0
    assert discrepancies(answers, books) == []
