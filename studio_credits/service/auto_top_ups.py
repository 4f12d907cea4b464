"""Auto top-up: the person turns it on (a paid plan and a card on file) or off; the top-up a spend
opened is charged right after that spend is stored, or by the refresh job where that charge got no
answer; its notice is sent at once.

Charging after the spend never fails it: the spend's answer is decided and stored first, and an
error charging is logged and left to the refresh job, which finds the account through its due index
(`Account.refresh_due_at`).
"""

from datetime import datetime

from studio_credits.domain.access import Principal, check_may_change_plan
from studio_credits.domain.account import Account
from studio_credits.domain.auto_top_up import ACTOR, AutoTopUpRefused, checked_settings, turn_off, turn_on
from studio_credits.domain.payments import Payment
from studio_credits.domain.wording import money_text
from studio_credits.jobs.notices import notify
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import Decision, Planned, Refused, execute
from studio_credits.service.payments import PaymentMethodRequired, charge_opened, collect
from studio_credits.service.ports import Services
from studio_credits.telemetry.logs import logger


def set_auto_top_up(
    services: Services, principal: Principal, pack_id: str, threshold: int, monthly_cap: int
) -> Account | AutoTopUpRefused | PaymentMethodRequired:
    """Turn auto top-up on with these settings, or change them while it is on."""
    check_may_change_plan(principal)
    pack = checked_settings(pack_id, threshold, monthly_cap)
    account = viewer_account(services, principal)

    def decide(
        current: Account, now: datetime
    ) -> Decision[Account, AutoTopUpRefused | PaymentMethodRequired]:
        change = turn_on(current, pack, threshold, monthly_cap, now, principal.actor)
        if isinstance(change, AutoTopUpRefused):
            return Refused(change)
        if current.card is None:
            return Refused(
                PaymentMethodRequired(
                    f"Add a card on the Plan page first: auto top-up charges {money_text(pack.price_cents)} "
                    "to it for each pack.",
                    pack.price_cents,
                )
            )
        return Planned(change, "", lambda committed: committed.account)

    outcome = execute(services, account.id, decide)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def turn_off_auto_top_up(services: Services, principal: Principal) -> Account:
    check_may_change_plan(principal)
    account = viewer_account(services, principal)

    def decide(current: Account, now: datetime) -> Decision[Account, None]:
        return Planned(turn_off(current, now, principal.actor), "", lambda committed: committed.account)

    outcome = execute(services, account.id, decide)
    return account if isinstance(outcome, Refused) else outcome


def charge_after_spend(services: Services, account: Account, top_up: Payment) -> None:
    """Charge the top-up the spend just stored opened (`account` as that spend left it). Best effort:
    whatever goes wrong is logged, and the refresh job charges it later."""
    try:
        charge_opened(services, account, top_up, ACTOR)
    except Exception:  # the spend has its answer: nothing here may turn it into an error
        logger.exception("auto top-up: not charged after its spend", extra={"account_id": account.id})
        return
    _send_notices_now(services, account.id)


def charge_waiting_top_up(services: Services, account: Account) -> bool:
    """For the refresh job: charge a top-up whose charge after its spend was not answered (looking
    first for the charge that one may have made); whether there was one to charge."""
    setting = account.auto_top_up
    due_at = account.top_up_charge_due_at
    if (
        setting is None
        or setting.pending_payment_id is None
        or due_at is None
        or due_at > services.clock.now()
    ):
        return False
    collect(services, account.id, setting.pending_payment_id, ACTOR)
    _send_notices_now(services, account.id)
    return True


def _send_notices_now(services: Services, account_id: str) -> None:
    """The top-up's notice emailed now rather than at the notices job's next run, which sends it
    where this could not."""
    try:
        notify(services, account_id)
    except Exception:
        logger.exception("auto top-up: notice left to the notices job", extra={"account_id": account_id})
