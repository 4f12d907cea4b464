"""GraphQL over the use cases: types, resolvers, identity and limits."""
