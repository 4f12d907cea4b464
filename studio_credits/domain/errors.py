"""Errors the rules raise; each says what is wrong in words a caller can show."""


class DomainError(Exception):
    """A refusal the caller may show as it is."""


class InvalidInput(DomainError):
    """An input no rule accepts, naming the field (a dotted path, as the client wrote it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotAllowed(DomainError):
    """The caller's role does not permit this."""
