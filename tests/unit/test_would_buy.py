"""What credits would still make, in the creative a person makes most (domain/would_buy.py), and its
words (domain/wording.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.domain.catalogue import FREE, PRO, Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.pricing import quote
from studio_credits.domain.wording import creatives_text, would_buy_text
from studio_credits.domain.would_buy import WouldBuy, most_made_creative, would_buy

AT = datetime(2026, 11, 15, 10, tzinfo=UTC)
IMAGE_4K = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_4K)  # 16 credits
IMAGE_1080P = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P)  # 4
VIDEO_1080P_15S = Creative(  # 225 credits
    kind=CreativeKind.VIDEO, resolution=Resolution.RES_1080P, duration_seconds=15
)
MULTI_SHOT = Creative(
    kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=Resolution.RES_1080P, duration_seconds=30, shots=5
)


def spent(
    creative: Creative, minutes: int = 0, kind: EntryKind = EntryKind.CONSUME, credits: int = 0
) -> LedgerEntry:
    """A spending entry for the creative (its full price unless `credits` says otherwise)."""
    paid = credits or quote(creative, PRO).credits
    return LedgerEntry(
        id=f"e-{minutes}",
        account_id="a",
        at=AT + timedelta(minutes=minutes),
        kind=kind,
        amount=-paid,
        balance_after=1_000,
        description="",
        actor="service",
        creative=creative,
    )


def test_the_most_made_creative_counts_outputs_not_entries() -> None:
    four_k_batch = IMAGE_4K.model_copy(update={"outputs": 10})
    entries = [spent(IMAGE_1080P, n) for n in range(5)] + [spent(four_k_batch, 10)]

    assert most_made_creative(entries) == IMAGE_4K  # 10 of them, as one output, against 5


def test_a_partial_capture_counts_only_the_outputs_delivered() -> None:
    batch = IMAGE_4K.model_copy(update={"outputs": 8})
    entries = [
        spent(batch, 1, EntryKind.CAPTURE, credits=2 * 16),  # 2 of 8 delivered
        *(spent(IMAGE_1080P, 2 + n) for n in range(3)),
    ]

    assert most_made_creative(entries) == IMAGE_1080P


def test_a_tie_goes_to_the_creative_made_last_and_other_entries_make_nothing() -> None:
    entries = [
        spent(IMAGE_4K, 1),
        spent(VIDEO_1080P_15S, 2),
        spent(IMAGE_4K, 3, EntryKind.RESERVE),
        spent(IMAGE_4K, 4, EntryKind.REFUND),
    ]

    assert most_made_creative(entries) == VIDEO_1080P_15S
    assert most_made_creative(reversed(entries)) == VIDEO_1080P_15S  # whatever the order read
    assert most_made_creative([spent(IMAGE_4K, 0, EntryKind.GRANT)]) is None
    assert most_made_creative([]) is None


def test_credits_buy_whole_creatives_of_one_output() -> None:
    assert would_buy(1_200, IMAGE_4K.model_copy(update={"outputs": 4}), PRO) == WouldBuy(1_200, IMAGE_4K, 75)
    assert would_buy(1_210, VIDEO_1080P_15S, PRO) == WouldBuy(1_210, VIDEO_1080P_15S, 5)
    assert would_buy(15, IMAGE_4K, PRO) == WouldBuy(15, IMAGE_4K, 0)


def test_credits_buy_nothing_the_plan_does_not_allow() -> None:
    assert would_buy(1_200, IMAGE_4K, FREE) is None  # Free makes images up to 1080p
    assert would_buy(1_200, MULTI_SHOT, FREE) is None
    assert would_buy(1_200, IMAGE_1080P, FREE) == WouldBuy(1_200, IMAGE_1080P, 300)


@pytest.mark.parametrize(
    ("count", "creative", "words"),
    [
        (75, IMAGE_4K, "75 4K images"),
        (1, IMAGE_4K, "1 4K image"),
        (1_250, IMAGE_1080P, "1,250 1080p images"),
        (5, VIDEO_1080P_15S, "5 1080p videos of 15 s"),
        (2, MULTI_SHOT, "2 multi-shot 1080p videos of 30 s, 5 shots"),
        (
            3,
            VIDEO_1080P_15S.model_copy(update={"premium_model": True, "advanced_template": True}),
            "3 1080p videos of 15 s with the premium model and an advanced template",
        ),
    ],
)
def test_a_count_of_creatives_in_words(count: int, creative: Creative, words: str) -> None:
    assert creatives_text(count, creative) == words


def test_what_credits_would_buy_in_words() -> None:
    assert WouldBuy(1_200, IMAGE_4K, 75).text == "1,200 credits: about 75 4K images"
    assert would_buy_text(1, 0, IMAGE_4K) == "1 credit: not enough for one 4K image"
