"""The words people read in the ledger, the notices, the emails and the price breakdown: creatives,
credit sources, billing and amounts, never an enum's or a code's name. The one formatter of the
server's words; the web client formats its own labels."""

from datetime import datetime

from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.notices import NoticeKind

RESOLUTIONS = {
    Resolution.RES_480P: "480p",
    Resolution.RES_720P: "720p",
    Resolution.RES_1080P: "1080p",
    Resolution.RES_2K: "2K",
    Resolution.RES_4K: "4K",
}
SOURCES = {
    LotSource.PLAN: "plan",
    LotSource.ROLLOVER: "rollover",
    LotSource.TOP_UP: "top-up",
    LotSource.PROMO: "promotion",
    LotSource.ADJUSTMENT: "adjustment",
}
BILLED = {BillingInterval.MONTHLY: "monthly", BillingInterval.ANNUAL: "yearly"}
VIDEO_NOUNS = {CreativeKind.VIDEO: "video", CreativeKind.MULTI_SHOT_VIDEO: "multi-shot video"}
NOTICE_LABELS = {
    NoticeKind.RENEWAL_REMINDER: "Before your plan renews",
    NoticeKind.RENEWAL_PAID: "When your plan's renewal is paid",
    NoticeKind.PAYMENT_FAILED: "When a payment fails",
    NoticeKind.AUTO_TOP_UP_MADE: "When auto top-up buys credits",
    NoticeKind.AUTO_TOP_UP_OFF: "When auto top-up turns itself off",
    NoticeKind.CANCELLATION_ENDING: "Before a canceled plan ends",
    NoticeKind.CREDITS_EXPIRING: "Before credits expire",
    NoticeKind.LOW_CREDITS: "When your credits run low",
}


def day_text(moment: datetime) -> str:
    """A date as ledger texts and notices show it (UTC): 15 Dec 2026."""
    return f"{moment.day} {moment:%b %Y}"


def notice_label(kind: NoticeKind) -> str:
    """What a kind of notice is about, as the email preferences list it: "Before credits expire"."""
    return NOTICE_LABELS[kind]


def resolution_text(resolution: Resolution) -> str:
    return RESOLUTIONS[resolution]


def source_text(source: LotSource) -> str:
    """ "top-up", "rollover": as in "500 top-up credits expired"."""
    return SOURCES[source]


def billed(interval: BillingInterval) -> str:
    """ "monthly", "yearly": as in "Pro, billed yearly"."""
    return BILLED[interval]


def plural(count: int, noun: str) -> str:
    """ "1 credit", "1,000 credits"."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def credits_text(count: int) -> str:
    return plural(count, "credit")


def money_text(cents: int) -> str:
    """ "$99.00", "$1,200.50": amounts in US dollars, the one currency charged."""
    return f"${cents // 100:,}.{cents % 100:02d}"


def card_text(brand: str, last4: str) -> str:
    """ "Visa •••• 4242"."""
    return f"{brand.replace('_', ' ').title()} •••• {last4}"


def creative_text(creative: Creative) -> str:
    """ "Image, 1080p", "4 images, 2K", "12 s multi-shot video, 720p, 3 shots",
    "10 s video, 4K, premium model, advanced template", "3 × 8 s video, 1080p"."""
    if creative.kind is CreativeKind.IMAGE:
        what = "Image" if creative.outputs == 1 else f"{creative.outputs:,} images"
    else:
        what = f"{creative.duration_seconds} s {VIDEO_NOUNS[creative.kind]}"
        if creative.outputs > 1:
            what = f"{creative.outputs:,} × {what}"
    parts = [what, resolution_text(creative.resolution)]
    if creative.kind is CreativeKind.MULTI_SHOT_VIDEO and creative.shots is not None:
        parts.append(plural(creative.shots, "shot"))
    if creative.premium_model:
        parts.append("premium model")
    if creative.advanced_template:
        parts.append("advanced template")
    return ", ".join(parts)


def creatives_text(count: int, creative: Creative) -> str:
    """A count of one output of a creative, as emails say what credits would make: "75 4K images",
    "1 1080p video of 15 s", "3 multi-shot 1080p videos of 30 s, 5 shots", "12 4K images with the
    premium model"."""
    return f"{count:,} {_creative_noun(creative, many=count != 1)}"


def would_buy_text(credits: int, count: int, creative: Creative) -> str:
    """ "1,200 credits: about 75 4K images"; "3 credits: not enough for one 4K image"."""
    if count == 0:
        return f"{credits_text(credits)}: not enough for one {_creative_noun(creative, many=False)}"
    return f"{credits_text(credits)}: about {creatives_text(count, creative)}"


def _creative_noun(creative: Creative, many: bool) -> str:
    resolution = resolution_text(creative.resolution)
    if creative.kind is CreativeKind.IMAGE:
        noun = f"{resolution} image{'s' if many else ''}"
    else:
        multi_shot = "multi-shot " if creative.kind is CreativeKind.MULTI_SHOT_VIDEO else ""
        noun = f"{multi_shot}{resolution} video{'s' if many else ''} of {creative.duration_seconds} s"
        if creative.shots is not None:
            noun += f", {plural(creative.shots, 'shot')}"
    options = [
        option
        for option, used in (
            ("the premium model", creative.premium_model),
            ("an advanced template", creative.advanced_template),
        )
        if used
    ]
    return f"{noun} with {' and '.join(options)}" if options else noun
