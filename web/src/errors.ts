import type { CombinedError } from "@urql/core";

/** What went wrong, in words a person can act on. */
export function describeError(error: CombinedError): string {
  if (error.networkError) return "The credits service could not be reached. Check your connection and try again.";
  const [first] = error.graphQLErrors;
  if (first === undefined) return "Something went wrong. Try again.";
  switch (first.extensions["code"]) {
    case "UNAUTHENTICATED":
      return "Your sign-in has ended. Sign in again to continue.";
    case "FORBIDDEN":
      return "Only the account's owner can do this.";
    default:
      // REFUSED and BAD_USER_INPUT carry the rule's own sentence.
      return first.message;
  }
}
