"""The Plan page's email preferences: a person turns an optional notice kind off or on."""

from datetime import datetime

from studio_credits.domain import notice_preferences
from studio_credits.domain.access import Principal, check_may_choose_emails
from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.notice_preferences import AlwaysSent
from studio_credits.domain.notices import NoticeKind
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import Decision, Planned, Refused, execute
from studio_credits.service.ports import Services


def set_notice_preference(
    services: Services, principal: Principal, kind: NoticeKind, enabled: bool
) -> Account | AlwaysSent:
    """The person's own account, emailing the kind or not from now on."""
    check_may_choose_emails(principal)
    account_id = viewer_account(services, principal).id

    def decide(account: Account, now: datetime) -> Decision[Account, AlwaysSent]:
        chosen = notice_preferences.set_notice_preference(account, kind, enabled)
        if isinstance(chosen, AlwaysSent):
            return Refused(chosen)
        # No idempotency key: setting the same preference twice leaves the same account.
        return Planned(Change(chosen), "", lambda committed: committed.account)

    outcome = execute(services, account_id, decide)
    return outcome.reason if isinstance(outcome, Refused) else outcome
