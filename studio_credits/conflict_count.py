"""The local server's count of version conflicts: commits DynamoDB refused because the account
changed since it was read (another writer of the same account won the race). `execute` reads the
account again and retries each one. `GET /dev/conflicts` answers the count, for the hot-account
benchmark; Lambda's repository counts nothing."""

import threading

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.service.ports import VersionConflict
from studio_credits.store.repository import DynamoRepository


class ConflictCountingRepository(DynamoRepository):
    def __post_init__(self) -> None:
        super().__post_init__()
        self._lock = threading.Lock()
        self._version_conflicts = 0

    @property
    def version_conflicts(self) -> int:
        """Since the server started."""
        return self._version_conflicts

    def commit(self, change: Change) -> Account:
        try:
            return super().commit(change)
        except VersionConflict:
            with self._lock:
                self._version_conflicts += 1
            raise
