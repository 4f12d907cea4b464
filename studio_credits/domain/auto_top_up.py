"""Auto top-up: a credit pack bought by itself when a spend leaves fewer credits available than the
person's threshold; once per crossing, at most `monthly_cap` times in a credit period, and off after
three declined payments in a row.

The spend that crosses the threshold marks the crossing in its own change and opens the top-up's
payment there, under a key made of the account and the crossing's number: concurrent spends, each
committed under the account's version, mark it once (the account's own count of crossings makes the
key, so no key item is claimed: a spend that decided on the same crossing loses the race for the
version, reads again and finds it taken), and whoever charges it (right after the spend, or the
refresh job later) charges that one payment. A crossing re-arms only once credits available are back
at or above the threshold.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.account import Account, AutoTopUp
from studio_credits.domain.change import Change
from studio_credits.domain.credit_limits import MAX_CHANGE
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.notice_rules import with_unsent
from studio_credits.domain.notices import Notice, NoticeKind, notice_id
from studio_credits.domain.payments import (
    CreditPack,
    Payment,
    PaymentPurpose,
    UnknownPack,
    open_payment,
    pack_by_id,
)
from studio_credits.domain.plan_changes import plan_event
from studio_credits.domain.wording import card_text, credits_text, money_text, plural

MAX_MONTHLY_CAP = 10
FAILURES_TURNING_IT_OFF = 3
ACTOR = "auto-top-up"
"""Who the entries of a top-up's charge name, when no webhook applied it."""


@dataclass(frozen=True)
class AutoTopUpRefused:
    """Auto top-up cannot be turned on for this account."""

    message: str


def payment_key(account_id: str, crossing: int) -> str:
    return f"auto-top-up:{account_id}:{crossing}"


def checked_settings(pack_id: str, threshold: int, monthly_cap: int) -> CreditPack:
    """The pack the settings buy; InvalidInput naming the setting no rule accepts."""
    try:
        pack = pack_by_id(pack_id)
    except UnknownPack as unknown:
        raise InvalidInput("pack_id", str(unknown)) from None
    if not 1 <= threshold <= MAX_CHANGE:
        raise InvalidInput(
            "threshold", f"the threshold is 1 to {MAX_CHANGE:,} credits available, not {threshold:,}"
        )
    if not 1 <= monthly_cap <= MAX_MONTHLY_CAP:
        raise InvalidInput(
            "monthly_cap", f"the monthly cap is 1 to {MAX_MONTHLY_CAP} top-ups, not {monthly_cap:,}"
        )
    return pack


def turn_on(
    account: Account, pack: CreditPack, threshold: int, monthly_cap: int, now: datetime, actor: str
) -> Change | AutoTopUpRefused:
    """Auto top-up on with these settings (or its settings changed while on), recorded in the history.
    Turned on, it is armed and its count of declined payments starts again; where it stands otherwise
    (a top-up waiting for its charge, this period's count) is kept."""
    if not account.plan.features.top_ups:
        return AutoTopUpRefused(
            f"Auto top-up is for paid plans: the {account.plan.name} plan has no credit packs. "
            "Upgrade to turn it on."
        )
    before = account.auto_top_up
    if before is None:
        setting = AutoTopUp(pack.id, threshold, monthly_cap)
    elif before.enabled:
        setting = replace(before, pack_id=pack.id, threshold=threshold, monthly_cap=monthly_cap)
    else:
        setting = replace(
            before,
            pack_id=pack.id,
            threshold=threshold,
            monthly_cap=monthly_cap,
            enabled=True,
            armed=True,
            failures=0,
        )
    if setting == before:
        return Change(account)
    verb = "changed" if before is not None and before.enabled else "on"
    event = plan_event(account, now, actor, f"Auto top-up {verb}: {settings_text(setting)}")
    return Change(replace(account, auto_top_up=setting), (event,))


def turn_off(account: Account, now: datetime, actor: str) -> Change:
    setting = account.auto_top_up
    if setting is None or not setting.enabled:
        return Change(account)
    event = plan_event(account, now, actor, "Auto top-up turned off")
    return Change(replace(account, auto_top_up=replace(setting, enabled=False)), (event,))


def settings_text(setting: AutoTopUp) -> str:
    """ "500 credits for $10.00 when fewer than 200 credits are available, at most 3 top-ups a month"."""
    pack = pack_by_id(setting.pack_id)
    return (
        f"{credits_text(pack.credits)} for {money_text(pack.price_cents)} when fewer than "
        f"{credits_text(setting.threshold)} are available, at most {plural(setting.monthly_cap, 'top-up')} "
        "a month"
    )


def top_ups_this_period(account: Account) -> int:
    """Top-ups charged in the account's current credit period, declined ones included."""
    setting = account.auto_top_up
    if setting is None or setting.counted_period_start != account.current_period.start:
        return 0
    return setting.charged_in_period


def on_spend(before: Account, after: Account, now: datetime) -> tuple[Account, tuple[Payment, ...]]:
    """The account after a spend or a hold, with the crossing it makes marked and the top-up's payment
    opened (none where it makes no crossing, or one it may not charge for now).

    A crossing it may not charge for (a top-up still waiting for its charge, the cap reached, no
    card, a plan without packs) stays armed: the first spend below the threshold once it may, charges.
    """
    setting = after.auto_top_up
    if setting is None or not setting.enabled:
        return after, ()
    armed = setting.armed or before.available >= setting.threshold
    card = after.card
    crosses = armed and after.available < setting.threshold
    if not crosses or card is None or not _may_charge(after, setting):
        return replace(after, auto_top_up=replace(setting, armed=armed)), ()
    pack = pack_by_id(setting.pack_id)
    crossing = setting.crossings + 1
    payment = open_payment(
        after.id,
        card,
        payment_key(after.id, crossing),
        PaymentPurpose.AUTO_TOP_UP,
        pack.price_cents,
        f"Auto top-up: {credits_text(pack.credits)}",
        now,
        pack_id=pack.id,
        off_session=True,
    )
    marked = replace(
        setting,
        armed=False,
        crossings=crossing,
        pending_payment_id=payment.id,
        pending_since=now,
        counted_period_start=after.current_period.start,
        charged_in_period=top_ups_this_period(after) + 1,
    )
    return replace(after, auto_top_up=marked), (payment,)


def top_up_paid(account: Account, payment: Payment, now: datetime) -> tuple[Account, tuple[Notice, ...]]:
    """After a top-up's pack was granted: its charge answered, the declines in a row cleared, and an
    AUTO_TOP_UP_MADE notice."""
    setting = account.auto_top_up
    if setting is None:
        raise ValueError(f"payment {payment.id} is an auto top-up of an account that never had one")
    settled = replace(_answered(setting, payment), failures=0)
    pack = pack_by_id(payment.pack_id or "")
    message = (
        f"Auto top-up added {credits_text(pack.credits)}, charged {money_text(payment.amount_cents)} to "
        f"{card_text(payment.card_brand, payment.card_last4)}: you now have "
        f"{credits_text(account.available)} available. It has made {top_ups_this_period(account):,} of "
        f"the {plural(setting.monthly_cap, 'top-up')} it may make this month."
    )
    notice = Notice(
        notice_id(now, NoticeKind.AUTO_TOP_UP_MADE, payment.id),
        account.id,
        NoticeKind.AUTO_TOP_UP_MADE,
        now,
        message,
    )
    return with_unsent(replace(account, auto_top_up=settled), (notice,)), (notice,)


def top_up_declined(
    account: Account, payment: Payment, now: datetime
) -> tuple[Account, tuple[LedgerEntry, ...], tuple[Notice, ...]]:
    """After a top-up's payment was declined: counted, and at the third in a row auto top-up turns
    itself off, with an event in the history and an AUTO_TOP_UP_OFF notice."""
    setting = account.auto_top_up
    if setting is None:
        raise ValueError(f"payment {payment.id} is an auto top-up of an account that never had one")
    counted = replace(_answered(setting, payment), failures=setting.failures + 1)
    if not setting.enabled or counted.failures < FAILURES_TURNING_IT_OFF:
        return replace(account, auto_top_up=counted), (), ()
    declines = plural(FAILURES_TURNING_IT_OFF, "payment")
    event = plan_event(account, now, ACTOR, f"Auto top-up turned off: its last {declines} were declined")
    message = (
        f"Auto top-up is off: its last {declines} were declined, the last one by "
        f"{card_text(payment.card_brand, payment.card_last4)} ({payment.failure_reason or 'declined'}). "
        "Check the card on the Plan page, then turn auto top-up on again on the Usage Overview."
    )
    notice = Notice(
        notice_id(now, NoticeKind.AUTO_TOP_UP_OFF, payment.id),
        account.id,
        NoticeKind.AUTO_TOP_UP_OFF,
        now,
        message,
    )
    off = replace(account, auto_top_up=replace(counted, enabled=False))
    return with_unsent(off, (notice,)), (event,), (notice,)


def _may_charge(account: Account, setting: AutoTopUp) -> bool:
    return (
        account.plan.features.top_ups
        and setting.pending_payment_id is None
        and top_ups_this_period(account) < setting.monthly_cap
    )


def _answered(setting: AutoTopUp, payment: Payment) -> AutoTopUp:
    """No longer waiting for this payment's charge."""
    if setting.pending_payment_id != payment.id:
        return setting
    return replace(setting, pending_payment_id=None, pending_since=None)
