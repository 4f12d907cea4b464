"""A handful of seeded 24-month runs in every `make test` (`make simulate` runs many more)."""

from dataclasses import replace
from datetime import datetime

import pytest

from studio_credits.domain import period_start, spending
from studio_credits.domain.account import Account
from studio_credits.domain.auto_top_up import on_spend
from studio_credits.domain.payments import Payment
from tests.simulation.run import NO_OP, draw, replay, shrink


@pytest.mark.parametrize("seed", range(5))
def test_the_money_rules_hold_through_a_simulated_two_years(seed: int) -> None:
    assert replay(draw(seed)) is None


def test_a_broken_rule_is_caught_and_shrunk_to_a_short_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the rollover cap left out, a run fails, and its replay keeps a few dozen steps at most."""

    def uncapped(account: Account, at: datetime, plan_ends: bool, cap: int) -> int:
        return sum(lot.remaining for lot in period_start.rolling_plan_lots(account, at, plan_ends))

    monkeypatch.setattr(period_start, "rollover_credits", uncapped)
    steps = draw(0, months=3)  # the first boundary breaks it
    broken = replay(steps)

    assert broken is not None and "rolls over above the" in broken.message
    failure = shrink(0, steps, broken, seconds=30)  # it ends well before: about 4 s
    assert "rolls over above the" in failure.message
    assert len([op for op in failure.steps if op != NO_OP]) <= 40


def test_an_auto_top_up_that_never_waits_to_re_arm_is_caught_charging_twice_for_a_crossing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def always_armed(before: Account, after: Account, now: datetime) -> tuple[Account, tuple[Payment, ...]]:
        setting = after.auto_top_up
        if setting is not None:
            after = replace(after, auto_top_up=replace(setting, armed=True))
        return on_spend(before, after, now)

    monkeypatch.setattr(spending, "on_spend", always_armed)
    broken = replay(draw(2, months=3))

    assert broken is not None and "charged for a crossing already charged" in broken.message
