"""The price list, applied exactly: figures computed by hand from the product's cost rules."""

from fractions import Fraction
from typing import Any

import pytest

from studio_credits.domain.catalogue import BUSINESS, FREE, PRO, STARTER, Resolution
from studio_credits.domain.creatives import Creative, parse_creative
from studio_credits.domain.pricing import (
    ADVANCED_TEMPLATE_SURCHARGE,
    IMAGE_CREDITS_PER_OUTPUT,
    MULTI_SHOT_MULTIPLIER,
    PREMIUM_MODEL_MULTIPLIER,
    VIDEO_CREDITS_PER_SECOND,
    cheapest_plan_allowing,
    quote,
)


def creative(**fields: Any) -> Creative:
    return parse_creative(fields)


def test_the_price_list_is_design_md() -> None:
    assert IMAGE_CREDITS_PER_OUTPUT == {Resolution.RES_1080P: 4, Resolution.RES_2K: 8, Resolution.RES_4K: 16}
    assert VIDEO_CREDITS_PER_SECOND == {
        Resolution.RES_480P: 8,
        Resolution.RES_720P: 10,
        Resolution.RES_1080P: 15,
        Resolution.RES_4K: 30,
    }
    assert Fraction(5, 4) == MULTI_SHOT_MULTIPLIER
    assert PREMIUM_MODEL_MULTIPLIER == 2
    assert ADVANCED_TEMPLATE_SURCHARGE == 2


@pytest.mark.parametrize(("resolution", "credits"), [("RES_1080P", 4), ("RES_2K", 8), ("RES_4K", 16)])
def test_an_image_costs_by_resolution(resolution: str, credits: int) -> None:
    assert quote(creative(kind="IMAGE", resolution=resolution), BUSINESS).credits == credits


@pytest.mark.parametrize(
    ("resolution", "rate"), [("RES_480P", 8), ("RES_720P", 10), ("RES_1080P", 15), ("RES_4K", 30)]
)
@pytest.mark.parametrize("seconds", [2, 13, 60])
def test_a_video_costs_per_second(resolution: str, rate: int, seconds: int) -> None:
    found = quote(creative(kind="VIDEO", resolution=resolution, duration_seconds=seconds), BUSINESS)

    assert found.credits == found.unit_credits == rate * seconds


def test_the_design_example() -> None:
    found = quote(
        creative(
            kind="MULTI_SHOT_VIDEO", resolution="RES_1080P", duration_seconds=10, shots=4, premium_model=True
        ),
        PRO,
    )

    assert found.credits == 375
    assert found.allowed


@pytest.mark.parametrize(
    ("seconds", "premium", "unit"),
    [
        (3, False, 38),  # 30 × 1.25 = 37.5, rounded up
        (5, False, 63),  # 62.5 → 63
        (5, True, 125),  # 50 × 1.25 × 2 = 125 exactly: rounded once, at the end
        (7, True, 175),
        (9, False, 113),  # 112.5 → 113
    ],
)
def test_multipliers_round_up_once(seconds: int, premium: bool, unit: int) -> None:
    found = quote(
        creative(
            kind="MULTI_SHOT_VIDEO",
            resolution="RES_720P",
            duration_seconds=seconds,
            shots=3,
            premium_model=premium,
        ),
        BUSINESS,
    )

    assert found.unit_credits == unit
    assert sum(line.credits for line in found.breakdown) == found.credits


def test_premium_doubles_an_image() -> None:
    assert quote(creative(kind="IMAGE", resolution="RES_4K", premium_model=True), PRO).credits == 32


def test_the_template_surcharge_is_added_after_the_multipliers() -> None:
    found = quote(
        creative(kind="IMAGE", resolution="RES_2K", premium_model=True, advanced_template=True), PRO
    )

    assert found.unit_credits == 8 * 2 + 2
    assert [(line.label, line.credits) for line in found.breakdown] == [
        ("Image, 2K", 8),
        ("Premium model ×2", 8),
        ("Advanced template", 2),
    ]


def test_outputs_multiply_the_unit_price_and_every_line() -> None:
    found = quote(
        creative(
            kind="MULTI_SHOT_VIDEO",
            resolution="RES_720P",
            duration_seconds=3,
            shots=3,
            advanced_template=True,
            outputs=5,
        ),
        PRO,
    )

    assert (found.unit_credits, found.credits) == (40, 200)
    assert [line.credits for line in found.breakdown] == [150, 40, 10]
    assert all(line.label.endswith(" × 5 outputs") for line in found.breakdown)


def test_an_allowed_creative_names_no_blocker_and_no_other_plan() -> None:
    found = quote(creative(kind="IMAGE", resolution="RES_1080P"), FREE)

    assert found.allowed
    assert found.blocked_by == ()
    assert found.cheapest_plan_allowing is None


def test_every_blocker_is_named() -> None:
    found = quote(
        creative(
            kind="MULTI_SHOT_VIDEO",
            resolution="RES_4K",
            duration_seconds=40,
            shots=5,
            premium_model=True,
            advanced_template=True,
            outputs=12,
        ),
        STARTER,
    )

    assert found.blocked_by == (
        "4K video: the Starter plan allows video up to 1080p",
        "40 s of video: the Starter plan allows up to 15 s",
        "multi-shot video is not in the Starter plan",
        "premium models are not in the Starter plan",
        "advanced templates are not in the Starter plan",
        "a batch of 12: the Starter plan allows up to 4 outputs",
    )
    assert found.cheapest_plan_allowing is BUSINESS


@pytest.mark.parametrize(
    ("fields", "cheapest"),
    [
        ({"kind": "IMAGE", "resolution": "RES_1080P"}, FREE),
        ({"kind": "IMAGE", "resolution": "RES_2K"}, STARTER),
        ({"kind": "IMAGE", "resolution": "RES_4K"}, PRO),
        ({"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 2}, STARTER),
        ({"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 11}, BUSINESS),
        ({"kind": "VIDEO", "resolution": "RES_720P", "duration_seconds": 10}, FREE),
        ({"kind": "VIDEO", "resolution": "RES_720P", "duration_seconds": 11}, STARTER),
        ({"kind": "VIDEO", "resolution": "RES_1080P", "duration_seconds": 30}, PRO),
        ({"kind": "VIDEO", "resolution": "RES_1080P", "duration_seconds": 31}, BUSINESS),
        ({"kind": "VIDEO", "resolution": "RES_4K", "duration_seconds": 2}, BUSINESS),
        ({"kind": "VIDEO", "resolution": "RES_480P", "duration_seconds": 2, "premium_model": True}, PRO),
        ({"kind": "IMAGE", "resolution": "RES_1080P", "advanced_template": True}, PRO),
    ],
)
def test_the_cheapest_plan_allowing(fields: dict[str, Any], cheapest: object) -> None:
    assert cheapest_plan_allowing(parse_creative(fields)) is cheapest


def test_a_free_plan_quote_points_to_the_cheapest_plan_allowing() -> None:
    found = quote(creative(kind="IMAGE", resolution="RES_2K"), FREE)

    assert not found.allowed
    assert found.blocked_by == ("2K images: the Free plan allows images up to 1080p",)
    assert found.cheapest_plan_allowing is STARTER


def test_a_line_names_the_outputs_from_two_on() -> None:
    one = quote(creative(kind="IMAGE", resolution="RES_2K"), PRO)
    two = quote(creative(kind="IMAGE", resolution="RES_2K", outputs=2), PRO)

    assert [(line.label, line.credits) for line in (*one.breakdown, *two.breakdown)] == [
        ("Image, 2K", 8),
        ("Image, 2K × 2 outputs", 16),
    ]
