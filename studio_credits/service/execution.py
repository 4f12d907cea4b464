"""Running a change: read, bring up to date, decide, commit atomically; retry; replay keys.

Every write goes through `execute`, so each one decides on the account as of now
(domain/as_of.py) and is a single transaction under the account's version, with the
entries that brought the account up to date; and the same idempotency key with the
same input returns the first result instead of applying the change again. A lost race or a
store that did not answer is tried again from a fresh read, as the services' RetryPolicy allows
(service/retry.py); past it, the caller is told to try again (`Unavailable`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar, overload

from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.change import Change
from studio_credits.domain.errors import Unavailable
from studio_credits.domain.idempotency import IdempotencyRecord, fingerprint, scoped_key
from studio_credits.service.accounts import AccountNotFound
from studio_credits.service.metering import count_committed
from studio_credits.service.ports import IdempotencyKeyUsed, Services, StoreUnavailable, VersionConflict

Result = TypeVar("Result")
Refusal = TypeVar("Refusal")


class Contention(Unavailable):
    """Not a refusal: the change could not get its turn, within the retry policy's attempts and time."""

    def __init__(self) -> None:
        super().__init__("the account is busy with other changes; try again")


@dataclass(frozen=True)
class Planned[Result]:
    """A decided change, and how to describe its result once committed."""

    change: Change
    result_id: str
    """What an idempotency record points at: the entry or reservation made."""
    result: Callable[[Change], Result]
    """The result, from the change as committed (with the entries that brought the account up to date)."""


@dataclass(frozen=True)
class Refused[Refusal]:
    """A decision not to change anything, and the rule's reason, as data (e.g. insufficient credits).

    Only a decision is wrapped, so `execute` can tell it from a result; each use case hands its
    caller the bare reason, one of the closed set its return type names.
    """

    reason: Refusal


@dataclass(frozen=True)
class IdempotencyConflict:
    """The key was used before with other input: a refusal of any write that takes a key."""

    message: str


@dataclass(frozen=True)
class Idempotency[Result]:
    key: str
    caller: str
    """Whose key it is (`Principal.actor`): keys of different callers never meet."""
    operation: str
    request: Mapping[str, object]
    replay: Callable[[IdempotencyRecord, Account], Result]
    """Rebuilds the first call's result from its record, for an identical retry."""

    @property
    def stored_key(self) -> str:
        return scoped_key(self.operation, self.caller, self.key)

    def record(self, result_id: str, at: datetime) -> IdempotencyRecord:
        return IdempotencyRecord(
            self.stored_key, self.operation, fingerprint(self.operation, self.request), result_id, at
        )


type Decision[Result, Refusal] = Planned[Result] | Refused[Refusal]
"""What a `decide` function returns: the change to make, or why not."""


@overload
def execute[Result, Refusal](
    services: Services,
    account_id: str,
    decide: Callable[[Account, datetime], Decision[Result, Refusal]],
    idempotency: None = None,
) -> Result | Refused[Refusal]: ...


@overload
def execute[Result, Refusal](
    services: Services,
    account_id: str,
    decide: Callable[[Account, datetime], Decision[Result, Refusal]],
    idempotency: Idempotency[Result],
) -> Result | Refused[Refusal] | IdempotencyConflict: ...


def execute[Result, Refusal](
    services: Services,
    account_id: str,
    decide: Callable[[Account, datetime], Decision[Result, Refusal]],
    idempotency: Idempotency[Result] | None = None,
) -> Result | Refused[Refusal] | IdempotencyConflict:
    """The decided change, committed; or the decision's refusal; or, where a key is given, the
    first call's result replayed or the key's conflict. Only a change with a key can conflict."""
    last_failure: Exception = Contention()
    for _ in services.retry.attempts_left():
        try:
            return _attempt(services, account_id, decide, idempotency)
        except VersionConflict:
            services.metrics.conflict_retried()
            last_failure = Contention()
        except StoreUnavailable as unavailable:
            last_failure = unavailable
    raise last_failure


def _attempt[Result, Refusal](
    services: Services,
    account_id: str,
    decide: Callable[[Account, datetime], Decision[Result, Refusal]],
    idempotency: Idempotency[Result] | None,
) -> Result | Refused[Refusal] | IdempotencyConflict:
    """One try from a fresh read; a lost race (VersionConflict) or a store that did not answer
    (StoreUnavailable) is raised for `execute` to try again."""
    stored = services.repository.get(account_id)
    if stored is None:
        raise AccountNotFound(account_id)
    now = services.clock.now()
    current = as_of(stored, now)
    decision = decide(current.account, now)
    if isinstance(decision, Refused):
        # A refusal may be a retry whose first call already succeeded: that result wins.
        if idempotency is not None:
            replayed = _replay(services, current.account, idempotency)
            if replayed is not None:
                return replayed
        return decision
    change = replace(
        decision.change,
        entries=current.entries + decision.change.entries,
        expired_holds=current.expired_holds + decision.change.expired_holds,
    )
    if change == Change(stored):
        return decision.result(change)  # nothing to store: no write, no version spent
    if idempotency is not None:
        change = replace(change, idempotency=idempotency.record(decision.result_id, now))
    if services.correlation_id is not None:
        change = _stamped(change, services.correlation_id)
    try:
        committed = services.repository.commit(change)
    except IdempotencyKeyUsed as used:
        fresh = services.repository.get(account_id) or stored
        if idempotency is not None:
            replayed_now = _replay(services, as_of(fresh, now).account, idempotency)
            if replayed_now is not None:
                return replayed_now
        # Records are never deleted, and only changes with a key write one.
        raise RuntimeError("idempotency record missing after a key conflict") from used
    count_committed(services.metrics, change)
    return decision.result(replace(change, account=committed))


def _stamped(change: Change, correlation_id: str) -> Change:
    """Each entry names the request (or job run) that wrote it: its log line has the same id."""
    return replace(
        change, entries=tuple(replace(entry, correlation_id=correlation_id) for entry in change.entries)
    )


def _replay[Result](
    services: Services, account: Account, idempotency: Idempotency[Result]
) -> Result | IdempotencyConflict | None:
    record = services.repository.get_idempotency(account.id, idempotency.stored_key)
    if record is None:
        return None
    expected = fingerprint(idempotency.operation, idempotency.request)
    if record.operation != idempotency.operation or record.fingerprint != expected:
        return IdempotencyConflict(
            f"idempotency key {idempotency.key!r} was used before with different input"
        )
    return idempotency.replay(record, account)
