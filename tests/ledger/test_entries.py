"""What each write records: the entry's kind, amount, balance after, words, who, for which job and
creative, from which kind of lot; the period's counters and the day's usage. Figures by hand.

`account` holds 3,000 credits (tests/ledger/conftest.py): the free plan's 100, then 2,900 for Pro.
"""

from datetime import timedelta

from ulid import ULID

from studio_credits.domain.account import Account, open_account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ids import public_id
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import LotMovement, LotSource
from studio_credits.domain.reservations import Reservation, ReservationStatus
from studio_credits.domain.spending import LedgerWrite, NotHeld, Rejected, grant
from studio_credits.jobs.sweep import run_sweep
from studio_credits.service import ledger
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services
from tests.support.accounts import ADMIN, SERVICE, at, person
from tests.support.ledger import entry_place, image, ledger_entries, recorded, stored_account

VIDEO_720P = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=10)
SERVICE_ACTOR, ADMIN_ACTOR = "service", "admin:admin-1"


def told(entry: LedgerEntry) -> tuple[object, ...]:
    creative = None if entry.creative is None else (entry.creative.kind.name, entry.creative.outputs)
    sources = sorted({movement.source.name for movement in entry.lots})
    return (entry.kind.name, entry.amount, entry.balance_after, entry.description, entry.actor, entry.job_id,
            creative, sources)  # fmt: skip


def test_each_write_records_what_it_did_who_did_it_and_for_which_job(
    services: Services, account: Account, clock: FixedClock
) -> None:
    def write(outcome: object) -> ledger.Recorded:
        clock.at += timedelta(minutes=1)
        return recorded(outcome)

    images = write(ledger.consume(services, SERVICE, account.id, image(2), "job-1", "c1"))
    write(ledger.consume(services, SERVICE, account.id, VIDEO_720P, "job-2", "c2"))
    held = write(
        ledger.reserve(services, SERVICE, account.id, image(4, Resolution.RES_2K), "job-3", 600, "r1")
    )
    assert held.reservation is not None
    write(ledger.capture(services, SERVICE, public_id(account.id, held.reservation.id), 3))
    blocked = write(ledger.reserve(services, SERVICE, account.id, image(), "job-4", 600, "r2"))
    assert blocked.reservation is not None and images.entry is not None
    write(
        ledger.release(services, SERVICE, public_id(account.id, blocked.reservation.id), "moderation block")
    )
    write(
        ledger.refund(services, SERVICE, public_id(account.id, images.entry.id), 4, "one output failed", "f1")
    )
    write(ledger.grant(services, ADMIN, account.id, 50, LotSource.PROMO, None, "welcome", "g1"))
    write(ledger.grant(services, ADMIN, account.id, -10, LotSource.ADJUSTMENT, None, "support fix", "g2"))
    write(ledger.grant(services, ADMIN, account.id, 5, LotSource.ADJUSTMENT, None, "goodwill", "g3"))

    entries = ledger_entries(services.repository, account.id)
    assert [told(entry) for entry in entries[3:]] == [
        (
            "CONSUME",
            -8,
            2_992,
            "2 images, 1080p: 8 credits",
            SERVICE_ACTOR,
            "job-1",
            ("IMAGE", 2),
            ["PLAN"],
        ),
        (
            "CONSUME",
            -100,
            2_892,
            "10 s video, 720p: 100 credits",
            SERVICE_ACTOR,
            "job-2",
            ("VIDEO", 1),
            ["PLAN"],
        ),
        (
            "RESERVE",
            0,
            2_892,
            "Held 32 credits for 4 images, 2K",
            SERVICE_ACTOR,
            "job-3",
            ("IMAGE", 4),
            [],
        ),
        (
            "CAPTURE",
            -24,
            2_868,
            "4 images, 2K: 24 credits for 3 of 4 outputs",
            SERVICE_ACTOR,
            "job-3",
            ("IMAGE", 4),
            ["PLAN"],
        ),
        (
            "RELEASE",
            0,
            2_868,
            "Released 8 credits held for 1 undelivered output",
            SERVICE_ACTOR,
            "job-3",
            ("IMAGE", 4),
            [],
        ),
        ("RESERVE", 0, 2_868, "Held 4 credits for Image, 1080p", SERVICE_ACTOR, "job-4", ("IMAGE", 1), []),
        (
            "RELEASE",
            0,
            2_868,
            "Released 4 credits: moderation block",
            SERVICE_ACTOR,
            "job-4",
            ("IMAGE", 1),
            [],
        ),
        (
            "REFUND",
            4,
            2_872,
            "Refunded 4 of 8 credits: one output failed",
            SERVICE_ACTOR,
            "job-1",
            ("IMAGE", 2),
            ["PLAN"],
        ),
        ("GRANT", 50, 2_922, "Promotion: 50 credits (welcome)", ADMIN_ACTOR, None, None, ["PROMO"]),
        ("ADJUST", -10, 2_912, "Adjustment: -10 credits (support fix)", ADMIN_ACTOR, None, None, ["PLAN"]),
        ("ADJUST", 5, 2_917, "Adjustment: 5 credits (goodwill)", ADMIN_ACTOR, None, None, ["ADJUSTMENT"]),
    ]
    stored = stored_account(services.repository, account.id)
    # used: 8 + 100 + 24 - 4 refunded; granted: 3,000 + 50 + 5 (taking away is not a grant)
    assert (stored.period_used, stored.period_granted, stored.available) == (128, 3_055, 2_917)
    (day,) = services.repository.usage_days(account.id, "2026-11-24", "2026-11-24")
    # images: 8 + 24 - 4 credits, 2 creatives (a part refund leaves the creative counted); a video: 100
    assert (day.by_kind[CreativeKind.IMAGE], day.by_kind[CreativeKind.VIDEO]) == ((28, 2), (100, 1))


def test_a_whole_refund_uncounts_the_creative_on_the_day_it_was_made(
    services: Services, account: Account, clock: FixedClock
) -> None:
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(2), "job-1", "c1"))
    assert spent.entry is not None
    clock.at += timedelta(days=2)

    recorded(ledger.refund(services, SERVICE, public_id(account.id, spent.entry.id), None, "all failed", "f"))

    days = services.repository.usage_days(account.id, "2026-11-24", "2026-11-26")
    assert [(day.day, day.by_kind[CreativeKind.IMAGE]) for day in days] == [("2026-11-24", (0, 0))]
    assert stored_account(services.repository, account.id).period_used == 0


def test_a_refund_of_a_past_period_leaves_this_period_used_alone(
    services: Services, account: Account, clock: FixedClock
) -> None:
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(5), "job-1", "c1"))
    assert spent.entry is not None
    clock.at = at(2026, 12, 24, 13)  # the next period, from 24 Dec 12:00
    recorded(ledger.consume(services, SERVICE, account.id, image(), "job-2", "c2"))

    refunded = recorded(
        ledger.refund(services, SERVICE, public_id(account.id, spent.entry.id), 8, "late", "f")
    )

    # 4 used this period; the 8 go back to a new PLAN lot ending with this period (the lots spent expired)
    assert refunded.account.period_used == 4
    assert refunded.entry is not None and [m.amount for m in refunded.entry.lots] == [8]
    lot = next(lot for lot in refunded.account.lots if lot.id == refunded.entry.lots[0].lot_id)
    assert (lot.source, lot.remaining, lot.expires_at) == (LotSource.PLAN, 8, at(2027, 1, 24))


def test_a_grant_that_expires_now_or_a_negative_promotion_is_rejected(
    services: Services, account: Account, clock: FixedClock
) -> None:
    now = ledger.grant(services, ADMIN, account.id, 10, LotSource.PROMO, clock.at, "n", "g1")
    negative = ledger.grant(services, ADMIN, account.id, -10, LotSource.PROMO, None, "n", "g2")
    too_much = ledger.grant(services, ADMIN, account.id, -3_001, LotSource.ADJUSTMENT, None, "n", "g3")
    later = recorded(
        ledger.grant(
            services, ADMIN, account.id, 10, LotSource.PROMO, clock.at + timedelta(seconds=1), "n", "g4"
        )
    )
    forever = recorded(ledger.grant(services, ADMIN, account.id, 10, LotSource.PROMO, None, "n", "g5"))

    assert now == Rejected("expiresAt must be in the future")
    assert negative == Rejected("the amount must be positive (only an ADJUSTMENT may be negative)")
    assert too_much == Rejected("cannot take away 3001 credits: 3000 are available")
    assert [lot.expires_at for lot in forever.account.lots[-2:]] == [clock.at + timedelta(seconds=1), None]
    assert later.account.available == 3_010 and forever.account.available == 3_020


def test_a_refund_is_of_a_consumption_one_credit_at_least(services: Services, account: Account) -> None:
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(2), "job-1", "c1"))
    assert spent.entry is not None
    entry_id = public_id(account.id, spent.entry.id)
    grant_id = public_id(account.id, ledger_entries(services.repository, account.id)[0].id)

    nothing = ledger.refund(services, SERVICE, entry_id, 0, "none", "f0")
    too_much = ledger.refund(services, SERVICE, entry_id, 9, "more", "f9")
    a_grant = ledger.refund(services, SERVICE, grant_id, None, "not a spend", "fg")
    one = recorded(ledger.refund(services, SERVICE, entry_id, 1, "one credit", "f1"))

    assert nothing == Rejected("a refund of this entry is 1 to 8 credits, not 0")
    assert too_much == Rejected("a refund of this entry is 1 to 8 credits, not 9")
    assert a_grant == Rejected("only a consumption or a capture can be refunded")
    assert one.account.available == 2_993  # 3,000 - 8 + 1


def test_everything_available_may_be_taken_away_and_no_more(services: Services, account: Account) -> None:
    assert ledger.grant(
        services, ADMIN, account.id, -3_001, LotSource.ADJUSTMENT, None, "n", "a"
    ) == Rejected("cannot take away 3001 credits: 3000 are available")
    taken = recorded(ledger.grant(services, ADMIN, account.id, -3_000, LotSource.ADJUSTMENT, None, "n", "b"))

    assert (taken.account.balance, taken.account.available) == (0, 0)


def test_a_hold_cannot_be_captured_from_the_instant_it_expires(
    services: Services, account: Account, clock: FixedClock
) -> None:
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(), "job", 60, "r"))
    assert held.reservation is not None
    reservation_id = public_id(account.id, held.reservation.id)
    clock.at += timedelta(seconds=59)
    assert isinstance(ledger.capture(services, SERVICE, reservation_id, None), ledger.Recorded)

    again = recorded(ledger.reserve(services, SERVICE, account.id, image(), "job-2", 60, "r2"))
    assert again.reservation is not None
    clock.at += timedelta(seconds=60)

    late = ledger.capture(services, SERVICE, public_id(account.id, again.reservation.id), None)
    assert isinstance(late, NotHeld)
    assert late.message == f"the reservation expired at {again.reservation.expires_at.isoformat()}"


def test_a_lot_that_expires_while_partly_held_keeps_only_the_held_credits_until_released(
    services: Services, account: Account, clock: FixedClock
) -> None:
    promo = recorded(
        ledger.grant(
            services, ADMIN, account.id, 50, LotSource.PROMO, clock.at + timedelta(hours=1), "p", "g"
        )
    )
    assert promo.entry is not None
    # The promotion ends first, so five images (20 credits) are held from it: 30 of it stay free.
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(5), "job", 7_200, "r"))
    assert held.reservation is not None and held.reservation.id
    clock.at += timedelta(hours=1, minutes=30)

    spent = recorded(ledger.consume(services, SERVICE, account.id, image(), "job-2", "c"))
    released = recorded(
        ledger.release(services, SERVICE, public_id(account.id, held.reservation.id), "failed")
    )

    entries = ledger_entries(services.repository, account.id)
    assert [(e.kind.name, e.amount, e.balance_after) for e in entries[-5:]] == [
        ("RESERVE", 0, 3_050),
        ("EXPIRE", -30, 3_020),  # the free 30 expire with the promotion; the held 20 stay for the hold
        ("CONSUME", -4, 3_016),
        ("RELEASE", 0, 3_016),
        ("EXPIRE", -20, 2_996),  # released after the promotion ended: they go with it
    ]
    assert [entries[-4].description, entries[-1].description] == [
        "30 promotion credits expired: past their expiry on 24 Nov 2026",
        "20 promotion credits expired: held past their expiry, then released",
    ]
    assert spent.account.reserved == 20
    (kept,) = [lot for lot in spent.account.lots if lot.id == promo.entry.lots[0].lot_id]
    assert (kept.remaining, kept.expires_at) == (20, at(2026, 11, 24, 13))  # its own expiry, not the write's
    assert (released.account.balance, released.account.reserved) == (2_996, 0)
    assert promo.entry.lots[0].lot_id not in {lot.id for lot in released.account.lots}


def test_a_hold_past_its_expiry_counts_for_nothing_before_the_sweeper_runs(
    services: Services, account: Account, clock: FixedClock
) -> None:
    """Pro, 3,000 credits; 1,500 held for 10 minutes (five 20 s 1080p videos). Twenty minutes on, before
    any sweep: all 3,000 are available, a spend of 2,700 succeeds, and its write stores the release
    (status EXPIRED) first; the sweeper then finds nothing left to do."""
    held_videos = Creative(
        kind=CreativeKind.VIDEO, resolution=Resolution.RES_1080P, duration_seconds=20, outputs=5
    )
    six_videos = Creative(
        kind=CreativeKind.VIDEO, resolution=Resolution.RES_1080P, duration_seconds=30, outputs=6
    )
    held = recorded(ledger.reserve(services, SERVICE, account.id, held_videos, "job", 600, "r"))
    assert held.reservation is not None and held.account.available == 1_500
    clock.at += timedelta(minutes=20)

    assert viewer_account(services, person(account.id)).available == 3_000
    spent = recorded(ledger.consume(services, SERVICE, account.id, six_videos, "job-2", "c"))

    assert (spent.account.available, spent.account.reserved) == (300, 0)
    entries = ledger_entries(services.repository, account.id)
    assert [(e.kind.name, e.amount, e.actor) for e in entries[-3:]] == [
        ("RESERVE", 0, "service"),
        ("RELEASE", 0, "sweeper"),
        ("CONSUME", -2_700, "service"),
    ]
    assert entries[-2].description == "Released 1,500 credits: not captured or released before it expired"
    assert (entries[-2].job_id, entries[-2].creative) == ("job", held_videos)
    stored = services.repository.get_reservation(account.id, held.reservation.id)
    assert stored is not None and stored.status is ReservationStatus.EXPIRED
    assert run_sweep(services).due == 0


def test_a_new_account_starts_at_version_0_with_one_grant_by_the_system() -> None:
    opened = at(2026, 11, 24)

    account, entry = open_account("acct-9", "nine@example.com", opened)

    (lot,) = account.lots
    assert (account.id, account.version, account.created_at) == ("acct-9", 0, opened)
    assert (lot.source, lot.granted, lot.remaining, lot.expires_at, lot.created_at) == (
        LotSource.PLAN, 100, 100, at(2026, 12, 24), opened
    )  # fmt: skip
    assert entry == LedgerEntry(
        id=entry.id,
        account_id="acct-9",
        at=opened,
        kind=EntryKind.GRANT,
        amount=100,
        balance_after=100,
        description="Free plan: 100 credits for the period",
        actor="system",
        lots=(LotMovement(lot.id, LotSource.PLAN, 100),),
    )
    assert entry_place(entry.id) == (opened, 0, 0)
    assert ULID.from_str(lot.id).datetime == opened


def test_each_write_answers_with_its_entry_and_a_hold_with_its_reservation(
    services: Services, account: Account, clock: FixedClock
) -> None:
    clock.at = at(2026, 11, 25, 9)
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(3), "job-7", 600, "r7"))
    assert held.entry is not None and held.reservation is not None
    assert (held.entry.kind, held.entry.account_id, held.entry.at, held.entry.actor) == (
        EntryKind.RESERVE, account.id, at(2026, 11, 25, 9), SERVICE_ACTOR
    )  # fmt: skip
    reservation = held.reservation
    assert reservation == Reservation(
        id=reservation.id,
        account_id=account.id,
        job_id="job-7",
        status=ReservationStatus.HELD,
        credits=12,
        outputs=3,
        creative=image(3),
        created_at=at(2026, 11, 25, 9),
        expires_at=at(2026, 11, 25, 9) + timedelta(minutes=10),
    )
    assert services.repository.get_reservation(account.id, reservation.id) == reservation

    clock.at += timedelta(minutes=1)
    released = recorded(
        ledger.release(services, SERVICE, public_id(account.id, reservation.id), "job canceled")
    )
    assert released.entry is not None
    assert (released.entry.kind, released.entry.description, released.entry.at) == (
        EntryKind.RELEASE, "Released 12 credits: job canceled", at(2026, 11, 25, 9) + timedelta(minutes=1)
    )  # fmt: skip

    clock.at += timedelta(minutes=1)
    taken = recorded(ledger.grant(services, ADMIN, account.id, -10, LotSource.ADJUSTMENT, None, "fix", "t1"))
    assert taken.entry is not None
    assert (taken.entry.kind, taken.entry.amount, taken.entry.actor) == (EntryKind.ADJUST, -10, ADMIN_ACTOR)
    clock.at += timedelta(minutes=1)
    again = recorded(ledger.grant(services, ADMIN, account.id, -10, LotSource.ADJUSTMENT, None, "fix", "t1"))
    assert again.entry == taken.entry
    record = services.repository.get_idempotency(account.id, f"grant#{ADMIN_ACTOR}#t1")
    assert record is not None
    assert (record.result_id, record.at) == (taken.entry.id, at(2026, 11, 25, 9) + timedelta(minutes=2))


def test_a_lot_with_one_credit_left_expires_too_in_the_first_places_of_the_change() -> None:
    account, _ = open_account("acct-8", None, at(2026, 11, 24))
    granted = grant(account, 1, LotSource.PROMO, at(2026, 11, 25), "one", ADMIN_ACTOR, at(2026, 11, 24, 13))
    assert isinstance(granted, LedgerWrite)
    promo = granted.change.account.lots[-1]
    assert (promo.source, promo.remaining, promo.expires_at, promo.created_at) == (
        LotSource.PROMO, 1, at(2026, 11, 25), at(2026, 11, 24, 13)
    )  # fmt: skip

    change = as_of(granted.change.account, at(2026, 11, 26))

    (expired,) = change.entries
    assert (expired.kind, expired.amount, expired.lots, expired.description, expired.actor) == (
        EntryKind.EXPIRE,
        -1,
        (LotMovement(promo.id, LotSource.PROMO, -1),),
        "1 promotion credit expired: past their expiry on 25 Nov 2026",
        "refresh",
    )
    assert entry_place(expired.id) == (at(2026, 11, 26), 0, 0)
    assert change.account.available == 100


def test_a_multi_shot_video_is_named_so(services: Services, account: Account) -> None:
    three_shots = Creative(
        kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=Resolution.RES_720P, duration_seconds=3, shots=3
    )

    spent = recorded(ledger.consume(services, SERVICE, account.id, three_shots, "job", "k"))

    # 3 s × 10 credits = 30, × 1.25 for the shots = 37.5, rounded up
    assert (
        spent.entry is not None
        and spent.entry.description == "3 s multi-shot video, 720p, 3 shots: 38 credits"
    )
