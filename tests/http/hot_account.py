"""Many workers spending on one account through local servers over HTTP, and the audit of the books
they leave: for the concurrency tests (test_concurrent_spends.py) and the hot-account benchmark
(bench/hot_account.py)."""

import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from studio_credits.domain.access import Role
from tests.http.dev_server import dev_tokens
from tests.support.payments import card_through_api

IMAGE_CREDITS = 4
"""What one 1080p image costs (the spend every worker makes)."""
CONSUME = """
mutation($input: ConsumeInput!) {
  consumeCredits(input: $input) { __typename ... on CreditsConsumed { entry { id jobId } } }
}
"""
UPGRADE = """
mutation($plan: ID!) {
  changePlan(input: { planId: $plan, interval: MONTHLY, idempotencyKey: "hot-account-plan" }) { __typename }
}
"""
BOOKS = """
query($id: ID!, $after: String) {
  account(id: $id) {
    credits { available reserved }
    history(first: 100, after: $after) {
      edges { node { id kind amount balanceAfter jobId } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
REQUEST_SECONDS = 120
"""Generous: a request may wait behind many others for the account, as DynamoDB would make it."""


def service_token() -> str:
    return dev_tokens().mint("generation-service", Role.SERVICE, datetime.now(UTC))


def graphql(client: httpx.Client, url: str, token: str, query: str, variables: dict[str, Any]) -> Any:
    response = client.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=REQUEST_SECONDS,
    )
    assert response.status_code == 200, response.text
    return response.json()


def open_account(url: str, account_id: str, plan: str | None = None) -> None:
    """The person's account, opened by their first call: on the free plan (100 credits), or moved to
    `plan` at once (Business: 100 + 6,900 = 7,000 credits)."""
    email = f"{account_id}@studio.example"
    person = dev_tokens().mint(account_id, Role.USER, datetime.now(UTC), email=email)
    with httpx.Client() as client:
        opened = graphql(client, url, person, "{ viewer { id } }", {})
        assert opened == {"data": {"viewer": {"id": account_id}}}, opened
        if plan is not None:
            settings = graphql(client, url, person, "{ stripeSettings { scriptUrl } }", {})
            stripe_base = settings["data"]["stripeSettings"]["scriptUrl"].removesuffix("/js.stripe.com/v3/")
            ask = lambda query, variables: graphql(client, url, person, query, variables or {})["data"]  # noqa: E731
            card_through_api(ask, api_base=stripe_base)
            changed = graphql(client, url, person, UPGRADE, {"plan": plan})
            assert changed == {"data": {"changePlan": {"__typename": "PlanChanged"}}}, changed


@dataclass(frozen=True)
class SpendRequest:
    url: str
    """The local server it is sent to."""
    job_id: str
    """Also its idempotency key: the same job sent twice is a retry."""


@dataclass(frozen=True)
class Answer:
    request: SpendRequest
    outcome: str
    """The result's type (`CreditsConsumed`, `InsufficientCredits`, ...) or the error's message."""
    entry_id: str | None
    seconds: float


def spend_concurrently(
    account_id: str, requests: Sequence[SpendRequest], workers: int, token: str
) -> tuple[list[Answer], float]:
    """Each request a 1080p image for its job, `workers` at a time; the answers in request order, and
    the seconds all of them took."""

    def send(request: SpendRequest) -> Answer:
        variables = {
            "input": {
                "accountId": account_id,
                "creative": {"kind": "IMAGE", "resolution": "RES_1080P"},
                "jobId": request.job_id,
                "idempotencyKey": request.job_id,
            }
        }
        started = time.perf_counter()
        body = graphql(client, request.url, token, CONSUME, variables)
        seconds = time.perf_counter() - started
        if body.get("errors"):
            return Answer(request, body["errors"][0]["message"], None, seconds)
        result = body["data"]["consumeCredits"]
        entry = result.get("entry")
        return Answer(request, result["__typename"], entry and entry["id"], seconds)

    limits = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers * 2)
    with httpx.Client(limits=limits) as client, ThreadPoolExecutor(max_workers=workers) as pool:
        started = time.perf_counter()
        answers = list(pool.map(send, requests))
        return answers, time.perf_counter() - started


@dataclass(frozen=True)
class Books:
    balance: int
    """The lots' total: available and reserved credits."""
    entries: list[dict[str, Any]]
    """The whole ledger, oldest first."""


def read_books(url: str, account_id: str, token: str) -> Books:
    """The account's balance and its whole ledger, page by page through `history`."""
    newest_first: list[dict[str, Any]] = []
    after = None
    with httpx.Client() as client:
        while True:
            body = graphql(client, url, token, BOOKS, {"id": account_id, "after": after})
            account = body["data"]["account"]
            newest_first += [edge["node"] for edge in account["history"]["edges"]]
            page = account["history"]["pageInfo"]
            if not page["hasNextPage"]:
                credits = account["credits"]
                return Books(credits["available"] + credits["reserved"], newest_first[::-1])
            after = page["endCursor"]


def discrepancies(answers: Sequence[Answer], books: Books) -> list[str]:
    """What the books say that the answers did not, or the money rules forbid; empty when every job
    answered `CreditsConsumed` has its one CONSUME entry (the one answered), no other job was
    charged, the answers to a job agree, no balance went below zero, and the balance is the
    ledger's sum."""
    answered: dict[str, set[tuple[str, str | None]]] = {}
    for answer in answers:
        answered.setdefault(answer.request.job_id, set()).add((answer.outcome, answer.entry_id))
    charged = {a.request.job_id: a.entry_id for a in answers if a.outcome == "CreditsConsumed"}
    consumed = [entry for entry in books.entries if entry["kind"] == "CONSUME"]
    entries = {entry["jobId"]: entry["id"] for entry in consumed}
    entries_by_job = Counter(entry["jobId"] for entry in consumed)

    problems = [
        f"job {job} answered {sorted(map(str, each))}" for job, each in answered.items() if len(each) != 1
    ]
    problems += [f"job {job} charged {n} times" for job, n in entries_by_job.items() if n > 1]
    for job, entry_id in charged.items():
        if entries.get(job) != entry_id:
            problems.append(f"job {job} answered charged by {entry_id}; its ledger entry: {entries.get(job)}")
    problems += [f"job {job} charged, not answered so" for job in entries if job not in charged]
    balance = 0
    for entry in books.entries:
        balance += entry["amount"]
        if entry["balanceAfter"] != balance:
            problems.append(f"entry {entry['id']}: balance after {entry['balanceAfter']}, the sum {balance}")
        if entry["balanceAfter"] < 0:
            problems.append(f"entry {entry['id']} overdraws: {entry['balanceAfter']}")
    if books.balance != balance:
        problems.append(f"the balance is {books.balance}, the ledger's sum {balance}")
    return problems
