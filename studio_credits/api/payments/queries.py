"""Reading payments: an account's list (a field of Account), the packs on sale, Stripe.js's settings."""

import strawberry

from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at
from studio_credits.api.ledger.queries import DEFAULT_PAGE, AccountRoot
from studio_credits.api.ledger.types import PageInfo
from studio_credits.api.payments.types import (
    CreditPack,
    Payment,
    PaymentConnection,
    PaymentEdge,
    StripeSettings,
)
from studio_credits.domain.history import page_size
from studio_credits.domain.inputs import PAYMENT_ID
from studio_credits.domain.payments import CREDIT_PACKS
from studio_credits.service import payments as paying


def account_payments(
    root: AccountRoot, info: Info, first: int | None = DEFAULT_PAGE, after: str | None = None
) -> PaymentConnection:
    """Newest first; a cursor is a payment's id."""
    with inputs_at():
        after_id = PAYMENT_ID.check_optional("after", after)
        limit = page_size(DEFAULT_PAGE if first is None else first)
    found, continue_after = paying.payments_page(info.context.services, str(root.id), limit, after_id)
    return PaymentConnection(
        edges=[PaymentEdge(cursor=payment.id, node=Payment.of(payment)) for payment in found],
        page_info=PageInfo(
            has_next_page=continue_after is not None, end_cursor=found[-1].id if found else None
        ),
    )


@strawberry.type
class PaymentQueries:
    @strawberry.field(description="The credit packs a person on a paid plan can buy.")
    def credit_packs(self) -> list[CreditPack]:
        return [CreditPack.of(pack) for pack in CREDIT_PACKS]

    @strawberry.field(description="What the web client loads Stripe.js with.")
    def stripe_settings(self, info: Info) -> StripeSettings:
        provider = info.context.services.payment_provider
        return StripeSettings(publishable_key=provider.publishable_key, script_url=provider.script_url)
