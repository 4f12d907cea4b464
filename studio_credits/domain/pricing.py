"""The price list and the quote: what a creative costs, and whether a plan allows it."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from studio_credits.domain.catalogue import PLANS, Plan, Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.wording import credits_text, resolution_text

IMAGE_CREDITS_PER_OUTPUT = {Resolution.RES_1080P: 4, Resolution.RES_2K: 8, Resolution.RES_4K: 16}
VIDEO_CREDITS_PER_SECOND = {
    Resolution.RES_480P: 8,
    Resolution.RES_720P: 10,
    Resolution.RES_1080P: 15,
    Resolution.RES_4K: 30,
}
MULTI_SHOT_MULTIPLIER = Fraction(5, 4)
PREMIUM_MODEL_MULTIPLIER = Fraction(2)
ADVANCED_TEMPLATE_SURCHARGE = 2


@dataclass(frozen=True)
class CostLine:
    label: str
    credits: int


@dataclass(frozen=True)
class Quote:
    credits: int
    unit_credits: int
    breakdown: tuple[CostLine, ...]
    blocked_by: tuple[str, ...]
    cheapest_plan_allowing: Plan | None

    @property
    def allowed(self) -> bool:
        return not self.blocked_by


def quote(creative: Creative, plan: Plan) -> Quote:
    unit_lines = _unit_lines(creative)
    unit = sum(credits for _, credits in unit_lines)
    outputs = creative.outputs
    suffix = f" × {outputs} outputs" if outputs > 1 else ""
    breakdown = tuple(CostLine(label + suffix, credits * outputs) for label, credits in unit_lines)
    blocked_by = blockers(creative, plan)
    return Quote(
        credits=unit * outputs,
        unit_credits=unit,
        breakdown=breakdown,
        blocked_by=blocked_by,
        cheapest_plan_allowing=cheapest_plan_allowing(creative) if blocked_by else None,
    )


def unit_credits(creative: Creative) -> int:
    """What one output of the creative costs, on any plan that allows it."""
    return sum(credits for _, credits in _unit_lines(creative))


def _unit_lines(creative: Creative) -> list[tuple[str, int]]:
    """One output's cost as lines that add up to ceil(base × multipliers) + surcharge.

    Each multiplier's line is the rise of the rounded-up running cost, so the lines
    always sum to the exact unit price.
    """
    if creative.kind is CreativeKind.IMAGE:
        base = IMAGE_CREDITS_PER_OUTPUT[creative.resolution]
        lines = [(f"Image, {resolution_text(creative.resolution)}", base)]
    else:
        rate = VIDEO_CREDITS_PER_SECOND[creative.resolution]
        seconds = creative.duration_seconds or 0
        base = rate * seconds
        lines = [(f"Video, {resolution_text(creative.resolution)}: {seconds} s × {credits_text(rate)}", base)]
    running = Fraction(base)
    multipliers = []
    if creative.kind is CreativeKind.MULTI_SHOT_VIDEO:
        multipliers.append((f"Multi-shot ({creative.shots} shots) ×1.25", MULTI_SHOT_MULTIPLIER))
    if creative.premium_model:
        multipliers.append(("Premium model ×2", PREMIUM_MODEL_MULTIPLIER))
    for label, multiplier in multipliers:
        before = math.ceil(running)
        running *= multiplier
        lines.append((label, math.ceil(running) - before))
    if creative.advanced_template:
        lines.append(("Advanced template", ADVANCED_TEMPLATE_SURCHARGE))
    return lines


def blockers(creative: Creative, plan: Plan) -> tuple[str, ...]:
    """What in the plan stops this creative, in words; empty where it is allowed."""
    features = plan.features
    found = []
    if creative.kind is CreativeKind.IMAGE:
        if creative.resolution.rank > features.max_image_resolution.rank:
            found.append(
                f"{resolution_text(creative.resolution)} images: the {plan.name} plan allows images up to "
                f"{resolution_text(features.max_image_resolution)}"
            )
    else:
        if creative.resolution.rank > features.max_video_resolution.rank:
            found.append(
                f"{resolution_text(creative.resolution)} video: the {plan.name} plan allows video up to "
                f"{resolution_text(features.max_video_resolution)}"
            )
        seconds = creative.duration_seconds or 0
        if seconds > features.max_video_seconds:
            found.append(
                f"{seconds} s of video: the {plan.name} plan allows up to {features.max_video_seconds} s"
            )
        if creative.kind is CreativeKind.MULTI_SHOT_VIDEO and not features.multi_shot_video:
            found.append(f"multi-shot video is not in the {plan.name} plan")
    if creative.premium_model and not features.premium_models:
        found.append(f"premium models are not in the {plan.name} plan")
    if creative.advanced_template and not features.advanced_templates:
        found.append(f"advanced templates are not in the {plan.name} plan")
    if creative.outputs > features.max_batch_size:
        found.append(
            f"a batch of {creative.outputs}: the {plan.name} plan allows up to "
            f"{features.max_batch_size} outputs"
        )
    return tuple(found)


def cheapest_plan_allowing(creative: Creative) -> Plan | None:
    return cheapest_plan_allowing_all((creative,))


def cheapest_plan_allowing_all(creatives: Iterable[Creative]) -> Plan | None:
    """The cheapest plan that allows every one of the creatives; None where no plan does."""
    wanted = tuple(creatives)
    return next((plan for plan in PLANS if not any(blockers(c, plan) for c in wanted)), None)
