"""Translation between domain objects and PynamoDB items."""

import zlib

from studio_credits.domain.account import Account, PlanStatus
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.store.models import (
    ENTRY_PREFIX,
    AccountModel,
    CreativeMap,
    EntryItem,
    LotMap,
    MovementMap,
)


def shard_of(account_id: str, shards: int) -> str:
    return str(zlib.crc32(account_id.encode()) % shards)


def account_to_item(account: Account, version: int, shards: int) -> AccountModel:
    return AccountModel(
        account.id,
        email=account.email,
        plan_id=account.plan_id,
        interval=account.interval.value,
        status=account.status.value,
        anchor=account.anchor,
        period_index=account.period_index,
        lots=[
            LotMap(
                id=lot.id,
                source=lot.source.value,
                granted=lot.granted,
                remaining=lot.remaining,
                expires_at=lot.expires_at,
                created_at=lot.created_at,
            )
            for lot in account.lots
        ],
        reserved=account.reserved,
        period_granted=account.period_granted,
        period_used=account.period_used,
        created_at=account.created_at,
        version=version,
        refresh_shard=shard_of(account.id, shards),
        next_refresh_at=account.next_refresh_at,
    )


def account_from_item(item: AccountModel) -> Account:
    return Account(
        id=item.account_id,
        email=item.email,
        plan_id=item.plan_id,
        interval=BillingInterval(item.interval),
        status=PlanStatus(item.status),
        anchor=item.anchor,
        period_index=int(item.period_index),
        lots=tuple(
            Lot(
                id=lot.id,
                source=LotSource(lot.source),
                granted=int(lot.granted),
                remaining=int(lot.remaining),
                expires_at=lot.expires_at,
                created_at=lot.created_at,
            )
            for lot in item.lots
        ),
        reserved=int(item.reserved),
        period_granted=int(item.period_granted),
        period_used=int(item.period_used),
        created_at=item.created_at,
        version=int(item.version),
    )


def entry_to_item(entry: LedgerEntry) -> EntryItem:
    creative = entry.creative
    return EntryItem(
        entry.account_id,
        ENTRY_PREFIX + entry.id,
        at=entry.at,
        kind=entry.kind.value,
        amount=entry.amount,
        balance_after=entry.balance_after,
        description=entry.description,
        actor=entry.actor,
        lots=[MovementMap(lot_id=m.lot_id, source=m.source.value, amount=m.amount) for m in entry.lots],
        creative=None
        if creative is None
        else CreativeMap(
            kind=creative.kind.value,
            resolution=creative.resolution.value,
            outputs=creative.outputs,
            duration_seconds=creative.duration_seconds,
            shots=creative.shots,
            premium_model=creative.premium_model,
            advanced_template=creative.advanced_template,
        ),
        creative_kind=None if creative is None else creative.kind.value,
        job_id=entry.job_id,
    )


def entry_from_item(item: EntryItem) -> LedgerEntry:
    stored = item.creative
    creative = (
        None
        if stored is None
        else Creative(
            kind=CreativeKind(stored.kind),
            resolution=Resolution(stored.resolution),
            outputs=int(stored.outputs),
            duration_seconds=None if stored.duration_seconds is None else int(stored.duration_seconds),
            shots=None if stored.shots is None else int(stored.shots),
            premium_model=bool(stored.premium_model),
            advanced_template=bool(stored.advanced_template),
        )
    )
    return LedgerEntry(
        id=item.sk.removeprefix(ENTRY_PREFIX),
        account_id=item.account_id,
        at=item.at,
        kind=EntryKind(item.kind),
        amount=int(item.amount),
        balance_after=int(item.balance_after),
        description=item.description,
        actor=item.actor,
        lots=tuple(LotMovement(m.lot_id, LotSource(m.source), int(m.amount)) for m in item.lots),
        creative=creative,
        job_id=item.job_id,
    )
