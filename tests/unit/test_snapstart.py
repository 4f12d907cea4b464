"""What a SnapStart snapshot shares, each restored copy puts right (studio_credits/snapstart.py)."""

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import snapshot_restore_py

from studio_credits.snapstart import register_restore_hooks

Hook = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
"""As the library keeps one: the function and its arguments."""


@pytest.fixture
def after_restore() -> Iterator[list[Hook]]:
    """The hooks registered by the test alone, run as Lambda's runtime runs them after a restore."""
    # Annotated as a list of functions, the registry holds (function, args, kwargs).
    registry: list[Hook] = snapshot_restore_py.get_after_restore()  # type: ignore[assignment]
    before = len(registry)
    yield registry
    del registry[before:]


def restore(hooks: list[Hook]) -> None:
    for function, args, kwargs in hooks:
        function(*args, **kwargs)


def test_copies_restored_from_one_snapshot_draw_different_retry_jitter(
    after_restore: list[Hook],
) -> None:
    before = len(after_restore)
    register_restore_hooks()
    hooks = after_restore[before:]
    assert hooks

    random.seed(2026)
    snapshot = random.getstate()
    draws = []
    for _copy in range(2):
        random.setstate(snapshot)
        restore(hooks)
        draws.append([random.random() for _ in range(4)])  # noqa: S311 (the jitter's generator)
    assert draws[0] != draws[1]
