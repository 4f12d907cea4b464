"""Auto top-up as read: a field of the viewer's account."""

import strawberry

from studio_credits.api.payments.types import CreditPack
from studio_credits.domain import account
from studio_credits.domain.auto_top_up import top_ups_this_period
from studio_credits.domain.payments import pack_by_id


@strawberry.type(description="Auto top-up as the person set it, and where it stands this month.")
class AutoTopUp:
    enabled: bool = strawberry.field(
        description="False once turned off, by the person or by itself after 3 declined payments in a row."
    )
    pack: CreditPack = strawberry.field(description="What each top-up buys.")
    threshold: int = strawberry.field(
        description="A spend that leaves fewer credits available than this buys the pack (once, until "
        "credits available are back at or above it)."
    )
    monthly_cap: int = strawberry.field(
        description="The most top-ups charged in one credit period (a month), declined ones included."
    )
    top_ups_this_period: int = strawberry.field(description="Top-ups charged in the current credit period.")
    consecutive_failures: int = strawberry.field(description="Top-ups declined in a row; 3 turn it off.")

    @classmethod
    def of(cls, holder: account.Account) -> "AutoTopUp | None":
        setting = holder.auto_top_up
        if setting is None:
            return None
        pack = pack_by_id(setting.pack_id)
        return cls(
            enabled=setting.enabled,
            pack=CreditPack(id=strawberry.ID(pack.id), credits=pack.credits, price_cents=pack.price_cents),
            threshold=setting.threshold,
            monthly_cap=setting.monthly_cap,
            top_ups_this_period=top_ups_this_period(holder),
            consecutive_failures=setting.failures,
        )
