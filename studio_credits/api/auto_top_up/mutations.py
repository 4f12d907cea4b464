"""The Usage Overview's auto top-up form: turn it on (or change it), turn it off."""

from typing import Annotated, assert_never

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.context import Info
from studio_credits.api.errors import RefusalAnswer, inputs_at
from studio_credits.api.payments.results import PaymentMethodRequired, card_required
from studio_credits.domain import account, auto_top_up
from studio_credits.domain.inputs import PLAN_ID
from studio_credits.service import auto_top_ups
from studio_credits.service import payments as paying


@strawberry.input
class SetAutoTopUpInput:
    pack_id: strawberry.ID = strawberry.field(description="A pack of the creditPacks query.")
    threshold: int = strawberry.field(description="Credits available below which a spend tops up: 1 or more.")
    monthly_cap: int = strawberry.field(description="The most top-ups in a month: 1 to 10.")


@strawberry.type
class AutoTopUpSaved:
    account: Account


@strawberry.type
class InvalidAutoTopUp(RefusalAnswer):
    message: str


SetAutoTopUpResult = Annotated[
    AutoTopUpSaved | InvalidAutoTopUp | PaymentMethodRequired, strawberry.union("SetAutoTopUpResult")
]


@strawberry.type
class AutoTopUpMutations:
    @strawberry.mutation(
        description="Turn auto top-up on (a paid plan and a card on file), or change its settings while on."
    )
    def set_auto_top_up(self, info: Info, input: SetAutoTopUpInput) -> SetAutoTopUpResult:
        context = info.context
        with inputs_at("input"):
            outcome = auto_top_ups.set_auto_top_up(
                context.services,
                context.principal,
                PLAN_ID.check("pack_id", input.pack_id),
                input.threshold,
                input.monthly_cap,
            )
        match outcome:
            case account.Account():
                return AutoTopUpSaved(account=Account.of(outcome))
            case auto_top_up.AutoTopUpRefused(message=message):
                return InvalidAutoTopUp(message=message)
            case paying.PaymentMethodRequired():
                return card_required(outcome)
            case _:
                assert_never(outcome)

    @strawberry.mutation(description="Turn auto top-up off; its settings are kept for turning it on again.")
    def turn_off_auto_top_up(self, info: Info) -> AutoTopUpSaved:
        context = info.context
        return AutoTopUpSaved(
            account=Account.of(auto_top_ups.turn_off_auto_top_up(context.services, context.principal))
        )
