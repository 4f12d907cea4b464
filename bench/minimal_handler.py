"""The baseline of bench/cold_start.py: the smallest Lambda a careful engineer ships on this stack
(Strawberry on Mangum, PynamoDB, pydantic). One table model, one pydantic model, one GraphQL type
and one GetItem: it answers the same `viewer { credits { available } }` request as the service,
from the same table.
"""

import os

import strawberry
from mangum import Mangum
from pydantic import BaseModel
from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.models import Model
from strawberry.asgi import GraphQL


class AccountItem(Model):
    class Meta:
        table_name = os.environ["STUDIO_CREDITS_ACCOUNTS_TABLE"]
        region = os.environ["AWS_REGION"]

    account_id = UnicodeAttribute(hash_key=True)
    lots = ListAttribute[dict[str, object]]()


class Lot(BaseModel):
    remaining: int


@strawberry.type
class CreditBalance:
    available: int


@strawberry.type
class Account:
    credits: CreditBalance


@strawberry.type
class Query:
    @strawberry.field
    def viewer(self, info: strawberry.Info) -> Account:
        claims = info.context["request"].scope["aws.event"]["requestContext"]["authorizer"]["jwt"]["claims"]
        item = AccountItem.get(claims["sub"])
        lots = [Lot.model_validate(lot) for lot in item.lots]
        return Account(credits=CreditBalance(available=sum(lot.remaining for lot in lots)))


handler = Mangum(GraphQL(strawberry.Schema(query=Query)), lifespan="off")
