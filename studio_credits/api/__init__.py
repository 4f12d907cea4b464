"""GraphQL over the use cases, one package per feature.

- `accounts/`, `catalogue/`, `ledger/`, `plans/`: each feature's `inputs.py` (what the client
  sends), `types.py` (what it reads back, each built `of` a domain object) and resolvers
  (`queries.py`, `mutations.py`), which call one use case and `match` its result exhaustively.
  Features depend one way: accounts → ledger → catalogue; plans → accounts, catalogue.
- `schema.py` only merges the features' Query and Mutation types; `limits.py` holds what
  every operation runs through; `enums.py`, `idempotency.py` the types features share.
- `errors.py` is the one place the rules' words meet the contract's: invalid input is named at
  its GraphQL path (`inputs_at`), a refusal without a result type is REFUSED, roles FORBIDDEN.
- `context.py` and `identity.py`: who calls; `app.py`: the ASGI app behind Mangum and uvicorn.
"""
