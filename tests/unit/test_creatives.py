"""What a creative may be: each bad combination is an input error naming its field."""

from typing import Any

import pytest

from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.creatives import MAX_OUTPUTS, CreativeKind, parse_creative
from studio_credits.domain.errors import InvalidInput


def rejected(**fields: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        parse_creative(fields)
    return raised.value


def test_an_image_needs_only_kind_and_resolution() -> None:
    image = parse_creative({"kind": "IMAGE", "resolution": "RES_2K"})

    assert (image.kind, image.resolution, image.outputs) == (CreativeKind.IMAGE, Resolution.RES_2K, 1)
    assert image.duration_seconds is image.shots is None
    assert not image.premium_model and not image.advanced_template


def test_a_multi_shot_video_keeps_every_field() -> None:
    fields = {
        "kind": "MULTI_SHOT_VIDEO",
        "resolution": "RES_4K",
        "duration_seconds": 60,
        "shots": 5,
        "outputs": MAX_OUTPUTS,
        "premium_model": True,
        "advanced_template": True,
    }

    assert parse_creative(fields).model_dump(mode="json") == fields


def test_an_image_with_a_duration() -> None:
    error = rejected(kind="IMAGE", resolution="RES_1080P", duration_seconds=4)

    assert error.field == "creative.durationSeconds"
    assert str(error) == "creative.durationSeconds: an image has no duration; leave durationSeconds out"


@pytest.mark.parametrize("resolution", ["RES_480P", "RES_720P"])
def test_an_image_below_1080p(resolution: str) -> None:
    assert rejected(kind="IMAGE", resolution=resolution).field == "creative.resolution"


@pytest.mark.parametrize("kind", ["VIDEO", "MULTI_SHOT_VIDEO"])
def test_a_video_at_2k(kind: str) -> None:
    error = rejected(kind=kind, resolution="RES_2K", duration_seconds=10, shots=3)

    assert error.field == "creative.resolution"
    assert "videos accept RES_480P, RES_720P, RES_1080P, RES_4K, not RES_2K" in error.message


@pytest.mark.parametrize("outputs", [0, -1, MAX_OUTPUTS + 1, 1_000])
def test_outputs_out_of_range(outputs: int) -> None:
    error = rejected(kind="IMAGE", resolution="RES_1080P", outputs=outputs)

    assert error.field == "creative.outputs"
    assert error.message == f"outputs must be between 1 and {MAX_OUTPUTS}, not {outputs}"


@pytest.mark.parametrize("seconds", [None, 0, 1, 61])
def test_a_video_lasts_2_to_60_seconds(seconds: int | None) -> None:
    assert rejected(kind="VIDEO", resolution="RES_720P", duration_seconds=seconds).field == (
        "creative.durationSeconds"
    )


@pytest.mark.parametrize("seconds", [2, 60])
def test_the_duration_limits_are_inclusive(seconds: int) -> None:
    assert parse_creative({"kind": "VIDEO", "resolution": "RES_480P", "duration_seconds": seconds})


@pytest.mark.parametrize("shots", [None, 2, 6, 9])
def test_a_multi_shot_video_has_3_to_5_shots(shots: int | None) -> None:
    error = rejected(kind="MULTI_SHOT_VIDEO", resolution="RES_720P", duration_seconds=10, shots=shots)

    assert error.field == "creative.shots"


def test_three_seconds_cannot_hold_nine_shots() -> None:
    error = rejected(kind="MULTI_SHOT_VIDEO", resolution="RES_720P", duration_seconds=3, shots=9)

    assert error.field == "creative.shots"


def test_each_shot_needs_a_second() -> None:
    error = rejected(kind="MULTI_SHOT_VIDEO", resolution="RES_720P", duration_seconds=4, shots=5)

    assert error.message == "5 shots need at least 5 seconds, one per shot"


def test_only_a_multi_shot_video_has_shots() -> None:
    assert (
        rejected(kind="VIDEO", resolution="RES_720P", duration_seconds=10, shots=3).field == "creative.shots"
    )


def test_the_field_path_follows_the_caller() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_creative({"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 0}, path="input.creative")

    assert raised.value.field == "input.creative.outputs"
