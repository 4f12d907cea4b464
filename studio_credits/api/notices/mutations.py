"""Turning an optional notice kind's emails off or on."""

from typing import Annotated, assert_never

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.context import Info
from studio_credits.api.enums import NoticeKind
from studio_credits.api.errors import RefusalAnswer
from studio_credits.api.notices.types import NoticePreference
from studio_credits.domain import account, notice_preferences
from studio_credits.service import notice_preferences as preferences


@strawberry.type
class NoticePreferenceSet:
    account: Account
    preference: NoticePreference


@strawberry.type
class NoticeAlwaysSent(RefusalAnswer):
    kind: NoticeKind
    message: str


SetNoticePreferenceResult = Annotated[
    NoticePreferenceSet | NoticeAlwaysSent, strawberry.union("SetNoticePreferenceResult")
]


@strawberry.type
class NoticeMutations:
    @strawberry.mutation(
        description="Email notices of this kind to the signed-in person, or not (only the optional "
        "kinds can be turned off: notices about payments are always sent)."
    )
    def set_notice_preference(self, info: Info, kind: NoticeKind, enabled: bool) -> SetNoticePreferenceResult:
        context = info.context
        outcome = preferences.set_notice_preference(context.services, context.principal, kind, enabled)
        match outcome:
            case notice_preferences.AlwaysSent(kind=refused_kind):
                return NoticeAlwaysSent(kind=refused_kind, message=outcome.message)
            case account.Account():
                chosen = notice_preferences.NoticePreference(
                    kind, notice_preferences.is_emailed(outcome, kind)
                )
                return NoticePreferenceSet(
                    account=Account.of(outcome), preference=NoticePreference.of(chosen)
                )
            case _:
                assert_never(outcome)
