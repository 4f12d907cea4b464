"""Translation between domain objects and PynamoDB items."""

import zlib

from studio_credits.domain.account import (
    Account,
    Hold,
    PendingCancellation,
    PlanStatus,
    RenewalDue,
    ScheduledChange,
    credits_held_by_lot,
)
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource, allot
from studio_credits.domain.notice_rules import next_notice_at
from studio_credits.domain.notices import Notice, NoticeKind
from studio_credits.domain.payments import Card, Payment, PaymentPurpose, PaymentStatus
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.domain.reservations import Reservation, ReservationStatus
from studio_credits.store.models import (
    ENTRY_PREFIX,
    IDEMPOTENCY_PREFIX,
    NOTICE_PREFIX,
    PAYMENT_KEY_PREFIX,
    PAYMENT_PREFIX,
    REFUND_PREFIX,
    RESERVATION_PREFIX,
    AccountModel,
    CardMap,
    CreativeMap,
    EntryItem,
    HoldMap,
    IdempotencyItem,
    LotMap,
    MovementMap,
    NoticeItem,
    PaymentItem,
    PaymentKeyItem,
    PlanChangeMap,
    RefundItem,
    RenewalMap,
    ReservationItem,
)


def shard_of(account_id: str, shards: int) -> str:
    return str(zlib.crc32(account_id.encode()) % shards)


def account_to_item(account: Account, version: int, shards: int) -> AccountModel:
    shard = shard_of(account.id, shards)
    scheduled = account.scheduled_change
    pending = account.pending_cancellation
    earliest_hold = account.next_hold_expiry_at
    notice_due_at = next_notice_at(account)
    return AccountModel(
        account.id,
        email=account.email,
        plan_id=account.plan_id,
        interval=account.interval.value,
        status=account.status.value,
        anchor=account.anchor,
        period_index=account.period_index,
        term_first_period=account.term_first_period,
        billing_credit_cents=account.billing_credit_cents,
        customer_id=account.customer_id,
        card=None if account.card is None else _card_to_map(account.card),
        renewal=None if account.renewal is None else _renewal_to_map(account.renewal),
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
        holds=[
            HoldMap(
                reservation_id=hold.reservation_id,
                credits=hold.credits,
                expires_at=hold.expires_at,
                portions=_movements_to_maps(hold.portions),
                job_id=hold.job_id,
                creative=None if hold.creative is None else creative_to_map(hold.creative),
            )
            for hold in account.holds
        ],
        period_granted=account.period_granted,
        period_used=account.period_used,
        low_credit_marks=list(account.low_credit_marks),
        scheduled_plan_id=None if scheduled is None else scheduled.plan_id,
        scheduled_interval=None if scheduled is None else scheduled.interval.value,
        ends_at=account.ends_at,
        cancel_token_hash=None if pending is None else pending.token_hash,
        cancel_token_expires_at=None if pending is None else pending.expires_at,
        cancel_effective_at=None if pending is None else pending.effective_at,
        created_at=account.created_at,
        version=version,
        refresh_shard=shard,
        next_refresh_at=account.refresh_due_at,
        hold_shard=None if earliest_hold is None else shard,
        next_hold_expiry_at=earliest_hold,
        notice_shard=None if notice_due_at is None else shard,
        next_notice_at=notice_due_at,
        notices_checked_at=account.notices_checked_at,
        unsent_notices=list(account.unsent_notices),
        muted_notices=sorted(kind.value for kind in account.muted_notices),
    )


def account_from_item(item: AccountModel) -> Account:
    lots = tuple(
        Lot(
            id=lot.id,
            source=LotSource(lot.source),
            granted=int(lot.granted),
            remaining=int(lot.remaining),
            expires_at=lot.expires_at,
            created_at=lot.created_at,
        )
        for lot in item.lots
    )
    return Account(
        id=item.account_id,
        email=item.email,
        plan_id=item.plan_id,
        interval=BillingInterval(item.interval),
        status=PlanStatus(item.status),
        anchor=item.anchor,
        period_index=int(item.period_index),
        lots=lots,
        holds=_holds_from_maps(item.holds, lots),
        period_granted=int(item.period_granted),
        period_used=int(item.period_used),
        low_credit_marks=tuple(int(str(mark)) for mark in item.low_credit_marks),
        scheduled_change=None
        if item.scheduled_plan_id is None or item.scheduled_interval is None
        else ScheduledChange(item.scheduled_plan_id, BillingInterval(item.scheduled_interval)),
        ends_at=item.ends_at,
        created_at=item.created_at,
        version=int(item.version),
        pending_cancellation=None
        if item.cancel_token_hash is None or item.cancel_token_expires_at is None
        else PendingCancellation(
            item.cancel_token_hash, item.cancel_token_expires_at, item.cancel_effective_at
        ),
        notices_checked_at=item.notices_checked_at,
        unsent_notices=tuple(str(notice) for notice in item.unsent_notices or ()),
        muted_notices=frozenset(NoticeKind(str(kind)) for kind in item.muted_notices or ()),
        term_first_period=int(item.term_first_period),
        billing_credit_cents=int(item.billing_credit_cents),
        customer_id=item.customer_id,
        card=None if item.card is None else _card_from_map(item.card),
        renewal=None if item.renewal is None else _renewal_from_map(item.renewal),
    )


def _renewal_to_map(renewal: RenewalDue) -> RenewalMap:
    return RenewalMap(
        period_index=renewal.period_index,
        due_at=renewal.due_at,
        plan_id=renewal.plan_id,
        interval=renewal.interval.value,
        price_cents=renewal.price_cents,
        credit_applied_cents=renewal.credit_applied_cents,
        first_attempt_at=renewal.first_attempt_at,
        scheduled_attempts=renewal.scheduled_attempts,
        attempts_by_person=renewal.attempts_by_person,
        open_payment_id=renewal.open_payment_id,
    )


def _renewal_from_map(stored: RenewalMap) -> RenewalDue:
    return RenewalDue(
        period_index=int(stored.period_index),
        due_at=stored.due_at,
        plan_id=stored.plan_id,
        interval=BillingInterval(stored.interval),
        price_cents=int(stored.price_cents),
        credit_applied_cents=int(stored.credit_applied_cents),
        first_attempt_at=stored.first_attempt_at,
        scheduled_attempts=int(stored.scheduled_attempts),
        attempts_by_person=int(stored.attempts_by_person),
        open_payment_id=stored.open_payment_id,
    )


def _card_to_map(card: Card) -> CardMap:
    return CardMap(
        payment_method_id=card.payment_method_id,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )


def _card_from_map(stored: CardMap) -> Card:
    return Card(
        stored.payment_method_id, stored.brand, stored.last4, int(stored.exp_month), int(stored.exp_year)
    )


def _holds_from_maps(stored: list[HoldMap], lots: tuple[Lot, ...]) -> tuple[Hold, ...]:
    holds: list[Hold] = []
    for hold in stored:
        if hold.portions is None:  # stored before holds kept their lots: pinned in spending order
            portions = allot(lots, int(hold.credits), credits_held_by_lot(holds))
        else:
            portions = _movements_from_maps(hold.portions)
        creative = None if hold.creative is None else creative_from_map(hold.creative)
        holds.append(
            Hold(hold.reservation_id, int(hold.credits), hold.expires_at, portions, hold.job_id, creative)
        )
    return tuple(holds)


def _movements_to_maps(movements: tuple[LotMovement, ...]) -> list[MovementMap]:
    return [MovementMap(lot_id=m.lot_id, source=m.source.value, amount=m.amount) for m in movements]


def _movements_from_maps(stored: list[MovementMap]) -> tuple[LotMovement, ...]:
    return tuple(LotMovement(m.lot_id, LotSource(m.source), int(m.amount)) for m in stored)


def creative_to_map(creative: Creative) -> CreativeMap:
    return CreativeMap(
        kind=creative.kind.value,
        resolution=creative.resolution.value,
        outputs=creative.outputs,
        duration_seconds=creative.duration_seconds,
        shots=creative.shots,
        premium_model=creative.premium_model,
        advanced_template=creative.advanced_template,
    )


def creative_from_map(stored: CreativeMap) -> Creative:
    return Creative(
        kind=CreativeKind(stored.kind),
        resolution=Resolution(stored.resolution),
        outputs=int(stored.outputs),
        duration_seconds=None if stored.duration_seconds is None else int(stored.duration_seconds),
        shots=None if stored.shots is None else int(stored.shots),
        premium_model=bool(stored.premium_model),
        advanced_template=bool(stored.advanced_template),
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
        lots=_movements_to_maps(entry.lots),
        creative=None if creative is None else creative_to_map(creative),
        creative_kind=None if creative is None else creative.kind.value,
        job_id=entry.job_id,
        plan_change=None if entry.plan_change is None else plan_change_to_map(entry.plan_change),
        correlation_id=entry.correlation_id,
        payment_id=entry.payment_id,
    )


def entry_from_item(item: EntryItem) -> LedgerEntry:
    return LedgerEntry(
        id=item.sk.removeprefix(ENTRY_PREFIX),
        account_id=item.account_id,
        at=item.at,
        kind=EntryKind(item.kind),
        amount=int(item.amount),
        balance_after=int(item.balance_after),
        description=item.description,
        actor=item.actor,
        lots=_movements_from_maps(item.lots),
        creative=None if item.creative is None else creative_from_map(item.creative),
        job_id=item.job_id,
        plan_change=None if item.plan_change is None else plan_change_from_map(item.plan_change),
        correlation_id=item.correlation_id,
        payment_id=item.payment_id,
    )


def plan_change_to_map(terms: PlanChangeTerms) -> PlanChangeMap:
    return PlanChangeMap(
        plan_id=terms.plan_id,
        interval=terms.interval.value,
        immediate=terms.immediate,
        effective_at=terms.effective_at,
        credits_granted_now=terms.credits_granted_now,
        amount_due_now_cents=terms.amount_due_now_cents,
        billing_credit_applied_cents=terms.billing_credit_applied_cents,
        billing_credit_after_cents=terms.billing_credit_after_cents,
    )


def plan_change_from_map(stored: PlanChangeMap) -> PlanChangeTerms:
    return PlanChangeTerms(
        plan_id=stored.plan_id,
        interval=BillingInterval(stored.interval),
        immediate=bool(stored.immediate),
        effective_at=stored.effective_at,
        credits_granted_now=int(stored.credits_granted_now),
        amount_due_now_cents=int(stored.amount_due_now_cents),
        billing_credit_applied_cents=int(stored.billing_credit_applied_cents),
        billing_credit_after_cents=int(stored.billing_credit_after_cents),
    )


def idempotency_to_item(account_id: str, record: IdempotencyRecord) -> IdempotencyItem:
    return IdempotencyItem(
        account_id,
        IDEMPOTENCY_PREFIX + record.key,
        operation=record.operation,
        fingerprint=record.fingerprint,
        result_id=record.result_id,
        at=record.at,
    )


def idempotency_from_item(item: IdempotencyItem) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=item.sk.removeprefix(IDEMPOTENCY_PREFIX),
        operation=item.operation,
        fingerprint=item.fingerprint,
        result_id=item.result_id,
        at=item.at,
    )


def reservation_to_item(reservation: Reservation) -> ReservationItem:
    return ReservationItem(
        reservation.account_id,
        RESERVATION_PREFIX + reservation.id,
        job_id=reservation.job_id,
        status=reservation.status.value,
        credits=reservation.credits,
        outputs=reservation.outputs,
        captured=reservation.captured,
        creative=creative_to_map(reservation.creative),
        created_at=reservation.created_at,
        expires_at=reservation.expires_at,
    )


def reservation_from_item(item: ReservationItem) -> Reservation:
    return Reservation(
        id=item.sk.removeprefix(RESERVATION_PREFIX),
        account_id=item.account_id,
        job_id=item.job_id,
        status=ReservationStatus(item.status),
        credits=int(item.credits),
        outputs=int(item.outputs),
        creative=creative_from_map(item.creative),
        created_at=item.created_at,
        expires_at=item.expires_at,
        captured=int(item.captured),
    )


def notice_to_item(notice: Notice) -> NoticeItem:
    return NoticeItem(
        notice.account_id,
        NOTICE_PREFIX + notice.id,
        kind=notice.kind.value,
        at=notice.at,
        message=notice.message,
        sent_at=notice.sent_at,
        credits=notice.credits,
    )


def notice_from_item(item: NoticeItem) -> Notice:
    return Notice(
        id=item.sk.removeprefix(NOTICE_PREFIX),
        account_id=item.account_id,
        kind=NoticeKind(item.kind),
        at=item.at,
        message=item.message,
        sent_at=item.sent_at,
        credits=None if item.credits is None else int(item.credits),
    )


def refund_marker(account_id: str, refunded_entry_id: str, refund_entry_id: str) -> RefundItem:
    return RefundItem(account_id, REFUND_PREFIX + refunded_entry_id, refund_entry_id=refund_entry_id)


def payment_to_item(payment: Payment) -> PaymentItem:
    return PaymentItem(
        payment.account_id,
        PAYMENT_PREFIX + payment.id,
        key=payment.key,
        purpose=payment.purpose.value,
        description=payment.description,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        status=payment.status.value,
        created_at=payment.created_at,
        card_brand=payment.card_brand,
        card_last4=payment.card_last4,
        plan_id=payment.plan_id,
        interval=None if payment.interval is None else payment.interval.value,
        pack_id=payment.pack_id,
        charge_id=payment.charge_id,
        settled_at=payment.settled_at,
        failure_reason=payment.failure_reason,
        refunded_cents=payment.refunded_cents,
        lot_ids=list(payment.lot_ids),
        credits_bought=payment.credits_bought,
        credits_taken_back=payment.credits_taken_back,
        entry_id=payment.entry_id,
        off_session=payment.off_session,
    )


def payment_from_item(item: PaymentItem) -> Payment:
    return Payment(
        id=item.sk.removeprefix(PAYMENT_PREFIX),
        account_id=item.account_id,
        key=item.key,
        purpose=PaymentPurpose(item.purpose),
        description=item.description,
        amount_cents=int(item.amount_cents),
        currency=item.currency,
        status=PaymentStatus(item.status),
        created_at=item.created_at,
        card_brand=item.card_brand,
        card_last4=item.card_last4,
        plan_id=item.plan_id,
        interval=None if item.interval is None else BillingInterval(item.interval),
        pack_id=item.pack_id,
        charge_id=item.charge_id,
        settled_at=item.settled_at,
        failure_reason=item.failure_reason,
        refunded_cents=int(item.refunded_cents),
        lot_ids=tuple(str(lot_id) for lot_id in item.lot_ids or ()),
        credits_bought=int(item.credits_bought),
        credits_taken_back=int(item.credits_taken_back),
        entry_id=item.entry_id,
        off_session=bool(item.off_session),
    )


def payment_key_item(payment: Payment) -> PaymentKeyItem:
    return PaymentKeyItem(payment.account_id, PAYMENT_KEY_PREFIX + payment.key, payment_id=payment.id)
