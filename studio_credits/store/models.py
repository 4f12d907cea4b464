"""The two DynamoDB tables as PynamoDB models."""

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model


class LotMap(MapAttribute[str, object]):
    id = UnicodeAttribute()
    source = UnicodeAttribute()
    granted = NumberAttribute()
    remaining = NumberAttribute()
    expires_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class MovementMap(MapAttribute[str, object]):
    lot_id = UnicodeAttribute()
    source = UnicodeAttribute()
    amount = NumberAttribute()


class CreativeMap(MapAttribute[str, object]):
    kind = UnicodeAttribute()
    resolution = UnicodeAttribute()
    outputs = NumberAttribute()
    duration_seconds = NumberAttribute(null=True)
    shots = NumberAttribute(null=True)
    premium_model = BooleanAttribute()
    advanced_template = BooleanAttribute()


class HoldMap(MapAttribute[str, object]):
    reservation_id = UnicodeAttribute()
    credits = NumberAttribute()
    expires_at = UTCDateTimeAttribute()
    portions = ListAttribute(of=MovementMap, null=True)
    """The lots the held credits stay in; absent on holds stored before holds kept their lots."""
    job_id = UnicodeAttribute(null=True)
    creative = CreativeMap(null=True)
    """What the hold is for; absent on holds stored before holds named it."""


class CardMap(MapAttribute[str, object]):
    payment_method_id = UnicodeAttribute()
    brand = UnicodeAttribute()
    last4 = UnicodeAttribute()
    exp_month = NumberAttribute()
    exp_year = NumberAttribute()


class RenewalMap(MapAttribute[str, object]):
    period_index = NumberAttribute()
    due_at = UTCDateTimeAttribute()
    plan_id = UnicodeAttribute()
    interval = UnicodeAttribute()
    price_cents = NumberAttribute()
    credit_applied_cents = NumberAttribute()
    first_attempt_at = UTCDateTimeAttribute(null=True)
    scheduled_attempts = NumberAttribute()
    attempts_by_person = NumberAttribute()
    open_payment_id = UnicodeAttribute(null=True)


class RefreshIndex(GlobalSecondaryIndex["AccountModel"]):
    """Accounts by when they are due a refresh, spread over shards to avoid a hot key."""

    class Meta:
        index_name = "by-refresh"
        projection = KeysOnlyProjection()

    refresh_shard = UnicodeAttribute(hash_key=True)
    next_refresh_at = UTCDateTimeAttribute(range_key=True)


class NoticeIndex(GlobalSecondaryIndex["AccountModel"]):
    """Accounts with a notice due; sparse: only accounts with one carry the attributes."""

    class Meta:
        index_name = "by-notice"
        projection = KeysOnlyProjection()

    notice_shard = UnicodeAttribute(hash_key=True)
    next_notice_at = UTCDateTimeAttribute(range_key=True)


class HoldExpiryIndex(GlobalSecondaryIndex["AccountModel"]):
    """Accounts holding reservations, by the earliest hold's expiry; sparse: only accounts with holds."""

    class Meta:
        index_name = "by-hold-expiry"
        projection = KeysOnlyProjection()

    hold_shard = UnicodeAttribute(hash_key=True)
    next_hold_expiry_at = UTCDateTimeAttribute(range_key=True)


class AccountModel(Model):
    class Meta:
        """Table name, region, endpoint, call limits: set by `bind_tables` (store/tables.py) at bootstrap."""

        table_name: str
        region: str
        host: str | None
        connect_timeout_seconds: float
        read_timeout_seconds: float
        max_retry_attempts: int
        billing_mode = "PAY_PER_REQUEST"

    account_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(null=True)
    plan_id = UnicodeAttribute()
    interval = UnicodeAttribute()
    status = UnicodeAttribute()
    anchor = UTCDateTimeAttribute()
    period_index = NumberAttribute()
    term_first_period = NumberAttribute(default=0)
    billing_credit_cents = NumberAttribute(default=0)
    customer_id = UnicodeAttribute(null=True)
    renewal = RenewalMap(null=True)
    card = CardMap(null=True)
    lots = ListAttribute(of=LotMap)
    holds = ListAttribute(of=HoldMap)
    period_granted = NumberAttribute()
    period_used = NumberAttribute()
    low_credit_marks = ListAttribute(of=NumberAttribute)
    scheduled_plan_id = UnicodeAttribute(null=True)
    scheduled_interval = UnicodeAttribute(null=True)
    ends_at = UTCDateTimeAttribute(null=True)
    cancel_token_hash = UnicodeAttribute(null=True)
    cancel_token_expires_at = UTCDateTimeAttribute(null=True)
    cancel_effective_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute()
    refresh_shard = UnicodeAttribute()
    next_refresh_at = UTCDateTimeAttribute()
    notice_shard = UnicodeAttribute(null=True)
    next_notice_at = UTCDateTimeAttribute(null=True)
    notices_checked_at = UTCDateTimeAttribute(null=True)
    unsent_notices = ListAttribute(of=UnicodeAttribute, default=list)
    muted_notices = ListAttribute(of=UnicodeAttribute, default=list)
    """Notice kinds the person turned off; absent on accounts stored before preferences."""
    hold_shard = UnicodeAttribute(null=True)
    next_hold_expiry_at = UTCDateTimeAttribute(null=True)

    by_refresh = RefreshIndex()
    by_notice = NoticeIndex()
    by_hold_expiry = HoldExpiryIndex()


class LedgerItem(Model):
    """Every item under an account in the ledger table; `item_type` says which kind."""

    class Meta:
        """Table name, region, endpoint, call limits: set by `bind_tables` (store/tables.py) at bootstrap."""

        table_name: str
        region: str
        host: str | None
        connect_timeout_seconds: float
        read_timeout_seconds: float
        max_retry_attempts: int
        billing_mode = "PAY_PER_REQUEST"

    account_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    item_type = DiscriminatorAttribute()


ENTRY_PREFIX = "E#"
IDEMPOTENCY_PREFIX = "K#"
RESERVATION_PREFIX = "R#"
NOTICE_PREFIX = "N#"
USAGE_PREFIX = "U#"
REFUND_PREFIX = "F#"
PAYMENT_PREFIX = "P#"
PAYMENT_KEY_PREFIX = "PK#"
EVENT_PREFIX = "W#"


class PlanChangeMap(MapAttribute[str, object]):
    plan_id = UnicodeAttribute()
    interval = UnicodeAttribute()
    immediate = BooleanAttribute()
    effective_at = UTCDateTimeAttribute()
    credits_granted_now = NumberAttribute()
    amount_due_now_cents = NumberAttribute()
    billing_credit_applied_cents = NumberAttribute(default=0)
    billing_credit_after_cents = NumberAttribute(default=0)


class EntryItem(LedgerItem, discriminator="entry"):
    at = UTCDateTimeAttribute()
    kind = UnicodeAttribute()
    amount = NumberAttribute()
    balance_after = NumberAttribute()
    description = UnicodeAttribute()
    actor = UnicodeAttribute()
    lots = ListAttribute(of=MovementMap)
    creative = CreativeMap(null=True)
    creative_kind = UnicodeAttribute(null=True)
    job_id = UnicodeAttribute(null=True)
    plan_change = PlanChangeMap(null=True)
    correlation_id = UnicodeAttribute(null=True)
    """The request or job run that wrote the entry; absent on entries written before it was kept."""
    payment_id = UnicodeAttribute(null=True)


class IdempotencyItem(LedgerItem, discriminator="idempotency"):
    operation = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    result_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()


class ReservationItem(LedgerItem, discriminator="reservation"):
    job_id = UnicodeAttribute()
    status = UnicodeAttribute()
    credits = NumberAttribute()
    outputs = NumberAttribute()
    captured = NumberAttribute()
    creative = CreativeMap()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()


class NoticeItem(LedgerItem, discriminator="notice"):
    kind = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    message = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    credits = NumberAttribute(null=True)
    """Absent on notices recorded before notices kept the credits they are about."""


class UsageItem(LedgerItem, discriminator="usage"):
    """One UTC day's spending, by creative kind; updated with ADD in each spending transaction."""

    image_credits = NumberAttribute(default=0)
    image_creatives = NumberAttribute(default=0)
    video_credits = NumberAttribute(default=0)
    video_creatives = NumberAttribute(default=0)
    multi_shot_video_credits = NumberAttribute(default=0)
    multi_shot_video_creatives = NumberAttribute(default=0)


class RefundItem(LedgerItem, discriminator="refund"):
    """Marks a consumption as refunded, so it is refunded once."""

    refund_entry_id = UnicodeAttribute()


class PaymentItem(LedgerItem, discriminator="payment"):
    """A payment, under P# + its ULID: a Query newest first lists them."""

    key = UnicodeAttribute()
    purpose = UnicodeAttribute()
    description = UnicodeAttribute()
    amount_cents = NumberAttribute()
    currency = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    card_brand = UnicodeAttribute()
    card_last4 = UnicodeAttribute()
    plan_id = UnicodeAttribute(null=True)
    interval = UnicodeAttribute(null=True)
    pack_id = UnicodeAttribute(null=True)
    charge_id = UnicodeAttribute(null=True)
    settled_at = UTCDateTimeAttribute(null=True)
    failure_reason = UnicodeAttribute(null=True)
    refunded_cents = NumberAttribute(default=0)
    lot_ids = ListAttribute(of=UnicodeAttribute, default=list)
    credits_bought = NumberAttribute(default=0)
    credits_taken_back = NumberAttribute(default=0)
    entry_id = UnicodeAttribute(null=True)
    off_session = BooleanAttribute(default=False)


class PaymentKeyItem(LedgerItem, discriminator="payment_key"):
    """PK# + a request's scoped idempotency key: the one payment that request opened."""

    payment_id = UnicodeAttribute()


class EventItem(LedgerItem, discriminator="event"):
    """W# + a payment provider's event id: the event was handled."""
