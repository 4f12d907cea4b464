"""What a creative is, validated: kind, resolution, outputs, length and options."""

from enum import Enum

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.errors import InvalidInput


class CreativeKind(Enum):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    MULTI_SHOT_VIDEO = "MULTI_SHOT_VIDEO"

    @property
    def is_video(self) -> bool:
        return self is not CreativeKind.IMAGE


IMAGE_RESOLUTIONS = (Resolution.RES_1080P, Resolution.RES_2K, Resolution.RES_4K)
VIDEO_RESOLUTIONS = (Resolution.RES_480P, Resolution.RES_720P, Resolution.RES_1080P, Resolution.RES_4K)
MAX_OUTPUTS = 25
MIN_VIDEO_SECONDS, MAX_VIDEO_SECONDS = 2, 60
MIN_SHOTS, MAX_SHOTS = 3, 5


def _invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid_creative", message)


class Creative(BaseModel):
    """A creative as priced. Field order matters: each check sees the fields before it."""

    model_config = ConfigDict(
        frozen=True, alias_generator=to_camel, populate_by_name=True, validate_default=True, defer_build=True
    )

    kind: CreativeKind
    resolution: Resolution
    outputs: int = 1
    duration_seconds: int | None = None
    shots: int | None = None
    premium_model: bool = False
    advanced_template: bool = False

    @field_validator("outputs")
    @classmethod
    def _outputs_in_range(cls, value: int) -> int:
        if not 1 <= value <= MAX_OUTPUTS:
            raise _invalid(f"outputs must be between 1 and {MAX_OUTPUTS}, not {value}")
        return value

    @field_validator("resolution")
    @classmethod
    def _resolution_fits_kind(cls, value: Resolution, info: ValidationInfo) -> Resolution:
        kind = info.data.get("kind")
        allowed = VIDEO_RESOLUTIONS if kind and kind.is_video else IMAGE_RESOLUTIONS
        if kind and value not in allowed:
            noun = "videos" if kind.is_video else "images"
            names = ", ".join(r.value for r in allowed)
            raise _invalid(f"{noun} accept {names}, not {value.value}")
        return value

    @field_validator("duration_seconds")
    @classmethod
    def _duration_fits_kind(cls, value: int | None, info: ValidationInfo) -> int | None:
        kind = info.data.get("kind")
        if kind is CreativeKind.IMAGE and value is not None:
            raise _invalid("an image has no duration; leave durationSeconds out")
        if kind and kind.is_video:
            if value is None:
                raise _invalid("a video needs durationSeconds")
            if not MIN_VIDEO_SECONDS <= value <= MAX_VIDEO_SECONDS:
                raise _invalid(
                    f"a video lasts {MIN_VIDEO_SECONDS} to {MAX_VIDEO_SECONDS} seconds, not {value}"
                )
        return value

    @field_validator("shots")
    @classmethod
    def _shots_fit_kind(cls, value: int | None, info: ValidationInfo) -> int | None:
        kind = info.data.get("kind")
        if kind is CreativeKind.MULTI_SHOT_VIDEO:
            if value is None:
                raise _invalid(f"a multi-shot video needs {MIN_SHOTS} to {MAX_SHOTS} shots")
            if not MIN_SHOTS <= value <= MAX_SHOTS:
                raise _invalid(f"a multi-shot video has {MIN_SHOTS} to {MAX_SHOTS} shots, not {value}")
            duration = info.data.get("duration_seconds")
            if duration is not None and duration < value:
                raise _invalid(f"{value} shots need at least {value} seconds, one per shot")
        elif value is not None and kind is not None:
            raise _invalid("only a MULTI_SHOT_VIDEO has shots")
        return value


def parse_creative(fields: dict[str, object], path: str = "creative") -> Creative:
    """Validate client input (snake_case keys) into a Creative, or raise InvalidInput naming the field."""
    try:
        return Creative.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join([path, *(to_camel(str(part)) for part in first["loc"])])
        raise InvalidInput(field, first["msg"]) from None
