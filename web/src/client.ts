import { cacheExchange, Client, fetchExchange, mapExchange } from "@urql/core";

/** The GraphQL client: the same origin's /graphql, with the person's token; a rejected
 * token signs them out (onSignedOut) so the sign-in screen says what to do. */
export function graphqlClient(token: string, onSignedOut: () => void): Client {
  return new Client({
    url: "/graphql",
    // POST always: the production API takes no queries over GET.
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions["code"] === "UNAUTHENTICATED")) onSignedOut();
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}
