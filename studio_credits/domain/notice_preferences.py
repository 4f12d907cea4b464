"""Which notices a person may stop emailing: the optional ones. Notices about payments (the renewal
ahead, a renewal paid, a payment failed, an auto top-up made or turned off) are always sent."""

from dataclasses import dataclass, replace

from studio_credits.domain.account import Account
from studio_credits.domain.notices import NoticeKind
from studio_credits.domain.wording import notice_label

OPTIONAL_NOTICES = frozenset(
    {NoticeKind.CANCELLATION_ENDING, NoticeKind.CREDITS_EXPIRING, NoticeKind.LOW_CREDITS}
)
"""Any other kind, one added later included, is always sent."""


def can_turn_off(kind: NoticeKind) -> bool:
    return kind in OPTIONAL_NOTICES


def is_emailed(account: Account, kind: NoticeKind) -> bool:
    return not (can_turn_off(kind) and kind in account.muted_notices)


@dataclass(frozen=True)
class NoticePreference:
    kind: NoticeKind
    enabled: bool

    @property
    def can_turn_off(self) -> bool:
        return can_turn_off(self.kind)

    @property
    def label(self) -> str:
        return notice_label(self.kind)


def notice_preferences(account: Account) -> tuple[NoticePreference, ...]:
    """One for each kind: those that can be turned off first, each part in the order of NoticeKind."""
    kinds = sorted(NoticeKind, key=lambda kind: not can_turn_off(kind))
    return tuple(NoticePreference(kind, is_emailed(account, kind)) for kind in kinds)


@dataclass(frozen=True)
class AlwaysSent:
    """A refusal: the kind is about payments, so it cannot be turned off."""

    kind: NoticeKind

    @property
    def message(self) -> str:
        return f"“{notice_label(self.kind)}” can't be turned off: emails about your payments are always sent"


def set_notice_preference(account: Account, kind: NoticeKind, enabled: bool) -> Account | AlwaysSent:
    """The account emailing the kind or not; turning an always-sent kind on changes nothing."""
    if not enabled and not can_turn_off(kind):
        return AlwaysSent(kind)
    muted = account.muted_notices - {kind} if enabled else account.muted_notices | {kind}
    return replace(account, muted_notices=muted)
