"""The server's words for creatives, credit sources and billing (studio_credits/domain/wording.py)."""

import pytest

from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.wording import billed, creative_text, credits_text, resolution_text, source_text

IMAGE, VIDEO, MULTI_SHOT = CreativeKind.IMAGE, CreativeKind.VIDEO, CreativeKind.MULTI_SHOT_VIDEO


@pytest.mark.parametrize(
    ("creative", "words"),
    [
        (Creative(kind=IMAGE, resolution=Resolution.RES_1080P), "Image, 1080p"),
        (Creative(kind=IMAGE, resolution=Resolution.RES_2K, outputs=4), "4 images, 2K"),
        (
            Creative(kind=MULTI_SHOT, resolution=Resolution.RES_720P, duration_seconds=12, shots=3),
            "12 s multi-shot video, 720p, 3 shots",
        ),
        (
            Creative(
                kind=VIDEO,
                resolution=Resolution.RES_4K,
                duration_seconds=10,
                premium_model=True,
                advanced_template=True,
            ),
            "10 s video, 4K, premium model, advanced template",
        ),
        (
            Creative(kind=VIDEO, resolution=Resolution.RES_480P, duration_seconds=8, outputs=3),
            "3 × 8 s video, 480p",
        ),
    ],
)
def test_a_creative_in_words(creative: Creative, words: str) -> None:
    assert creative_text(creative) == words


def test_resolutions_sources_billing_and_counts_in_words() -> None:
    assert [resolution_text(r) for r in Resolution] == ["480p", "720p", "1080p", "2K", "4K"]
    assert [source_text(s) for s in LotSource] == ["plan", "rollover", "top-up", "promotion", "adjustment"]
    assert [billed(i) for i in BillingInterval] == ["monthly", "yearly"]
    assert [credits_text(n) for n in (1, 2, 1_000)] == ["1 credit", "2 credits", "1,000 credits"]
