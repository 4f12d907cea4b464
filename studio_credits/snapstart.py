"""Lambda SnapStart, for the API function: Lambda initialises a published version once, snapshots
it, and starts new execution environments from that snapshot, so whatever the initialisation left
in memory is shared by every copy. Of that, only the `random` module's state must differ between
copies (it draws the retry jitter of `service/retry.py`; ids and tokens come from os.urandom).
Initialisation opens no connection and reads no credentials: the repository connects at its first
request (tests/infra check that importing the handler makes no AWS call).
"""

import random


def register_restore_hooks() -> None:
    """Runs after each restore, through the hook library of Lambda's managed Python runtimes."""
    try:
        from snapshot_restore_py import register_after_restore
    except ModuleNotFoundError:  # not Lambda's managed runtime: no snapshot is ever taken
        return
    register_after_restore(random.seed)
