"""A notice kind as the email preferences show it."""

import strawberry

from studio_credits.api.enums import NoticeKind
from studio_credits.domain import notice_preferences


@strawberry.type
class NoticePreference:
    kind: NoticeKind
    label: str = strawberry.field(description="What the notice is about, in words: “Before credits expire”.")
    enabled: bool = strawberry.field(description="Whether notices of this kind are emailed.")
    can_turn_off: bool = strawberry.field(
        description="False for the notices about payments, which are always emailed."
    )

    @classmethod
    def of(cls, preference: notice_preferences.NoticePreference) -> "NoticePreference":
        return cls(
            kind=preference.kind,
            label=preference.label,
            enabled=preference.enabled,
            can_turn_off=preference.can_turn_off,
        )
