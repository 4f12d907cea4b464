"""Record the notices due and email each one once.

Per account: (1) one atomic change records the notices due since the last run (each
under a deterministic id that cannot be written twice) and lists them as unsent;
(2) each unsent notice is claimed (sent_at set, on condition it was not set) and only
then emailed; (3) a change forgets the emailed ones. Sending is at most once: a crash
between the claim and the email loses that email (the notice stays recorded, with its
sent_at), and nothing can email it twice. An email SES refuses is unclaimed, to be
sent by a later run; one whose answer was lost (a timeout) stays claimed, as it may have been sent.
A notice of a kind the person turned off (domain/notice_preferences.py) is recorded, never sent.

Each email is rendered from templates (mail/notice_emails.py), counting credits in the creative
the person makes most, read once per account from its newest ledger entries.
"""

from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.creatives import Creative
from studio_credits.domain.notice_preferences import is_emailed
from studio_credits.domain.notice_rules import record_due, without_unsent
from studio_credits.domain.notices import notice_kind_of
from studio_credits.jobs.each_due import JobReport, RemainingMillis, apply, for_each_due
from studio_credits.mail import MailRefused
from studio_credits.mail.notice_emails import notice_email
from studio_credits.service import history
from studio_credits.service.execution import Decision, Planned, Refused
from studio_credits.service.ports import Services


class NoticesNotSent(Exception):
    def __init__(self, account_id: str, notice_ids: list[str]) -> None:
        super().__init__(f"{account_id}: email not accepted for {', '.join(notice_ids)}; retried next run")


def run_notices(services: Services, remaining_ms: RemainingMillis | None = None) -> JobReport:
    now = services.clock.now()
    report = JobReport("notices", now, done_label="notified", item_label="emails")
    return for_each_due(
        report,
        services.repository.due_for_notices(now),
        lambda account_id: notify(services, account_id),
        remaining_ms,
    )


def notify(services: Services, account_id: str) -> int:
    """Record what is due and email what is unsent; the number of emails sent."""
    account = apply(services, account_id, _record)
    if account is None:
        return 0
    handled: set[str] = set()
    refused: list[str] = []
    sent = 0
    most_made: Creative | None = None
    looked_up_most_made = False
    for notice_id in account.unsent_notices:
        if account.email is None or not is_emailed(account, notice_kind_of(notice_id)):
            # Recorded and listed in the account, never emailed: nowhere to, or turned off.
            handled.add(notice_id)
            continue
        claimed_at = services.clock.now()
        notice = services.repository.claim_notice(account.id, notice_id, claimed_at)
        if notice is not None:
            if not looked_up_most_made:
                most_made, looked_up_most_made = history.most_made(services, account.id), True
            try:
                services.mailer.send(notice_email(notice, account, most_made, services.web_url))
            except MailRefused:
                services.repository.unclaim_notice(account.id, notice_id, claimed_at)
                refused.append(notice_id)
                continue
            sent += 1
        handled.add(notice_id)  # emailed now, or claimed by another run
    if handled:
        apply(services, account_id, lambda fresh, _: _forget(fresh, handled))
    if refused:
        raise NoticesNotSent(account_id, refused)
    return sent


def _record(account: Account, now: datetime) -> Decision[Account, str]:
    change = record_due(account, now)
    if change is None:
        return Refused("no notice due")
    return Planned(change, account.id, lambda committed: committed.account)


def _forget(account: Account, handled: set[str]) -> Decision[None, str]:
    change = without_unsent(account, handled)
    if change is None:
        return Refused("already forgotten")
    return Planned(change, account.id, lambda _: None)
