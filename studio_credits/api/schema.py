"""The GraphQL schema: the root types, merged from each feature's queries and mutations."""

import strawberry
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graphql import GraphQLError
from studio_credits.api import limits
from studio_credits.api.accounts.queries import AccountQueries
from studio_credits.api.auto_top_up.mutations import AutoTopUpMutations
from studio_credits.api.campaigns.queries import CampaignQueries
from studio_credits.api.catalogue.queries import CatalogueQueries
from studio_credits.api.ledger.mutations import LedgerMutations
from studio_credits.api.notices.mutations import NoticeMutations
from studio_credits.api.payments.mutations import PaymentMutations
from studio_credits.api.payments.queries import PaymentQueries
from studio_credits.api.plans.mutations import PlanMutations
from studio_credits.api.plans.queries import PlanQueries

Query = merge_types("Query", (AccountQueries, CatalogueQueries, PlanQueries, PaymentQueries, CampaignQueries))
Mutation = merge_types(
    "Mutation", (LedgerMutations, PlanMutations, PaymentMutations, NoticeMutations, AutoTopUpMutations)
)


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Nothing here: the request log (api/observability.py) writes each request's one line, with
        the traceback of an unexpected error and never of an expected refusal."""


def build_schema(production: bool) -> strawberry.Schema:
    return Schema(query=Query, mutation=Mutation, extensions=limits.extensions(production))
