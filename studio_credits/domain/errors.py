"""What is not a rule's refusal: a request the rules cannot even consider.

A rule's "no" (insufficient credits, an invalid plan change, a reservation not held...) is data:
a dataclass returned beside the result, one of the closed set a use case's return type names.
What is raised instead, and shown by the API as a coded error:

- `InvalidInput`: an input no rule accepts;
- `NotIdentified`: the request names no caller this service accepts;
- `NotAllowed`: the caller's role does not permit the request;
- any other `DomainError`: the request cannot be carried out now (no such account, too busy).
"""


class DomainError(Exception):
    """A request the caller may be told, as it is, cannot be carried out."""


class InvalidInput(DomainError):
    """An input no rule accepts, naming the field as the rules and use cases call it (a dotted
    path of their parameter and attribute names: `ttl_seconds`, `creative.outputs`); the API alone
    knows where the client wrote it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotAllowed(DomainError):
    """The caller's role does not permit this."""


class NotIdentified(DomainError):
    """The request's token names no caller this service accepts."""
