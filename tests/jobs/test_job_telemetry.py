"""Each job run leaves one JSON log line, its report, and the report's counts as metrics; what the
notices email is never logged."""

from dataclasses import replace
from datetime import timedelta

from studio_credits.domain.clock import FixedClock
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.ledger import EntryKind
from studio_credits.jobs.scheduled import run_job
from studio_credits.service import ledger
from studio_credits.service.ports import Services
from studio_credits.telemetry.emf import EmfMetrics
from tests.jobs.test_notices import ANCHOR, open_pro
from tests.support.accounts import SERVICE, person, subscribe
from tests.support.ledger import image
from tests.support.mailer import RecordingMailer
from tests.support.telemetry import captured_output


def test_a_notices_run_logs_its_report_and_counts_it_without_the_emails(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    open_pro(services, clock)
    clock.at = ANCHOR + timedelta(days=29)
    metrics = EmfMetrics(service="studio-credits-test")

    with captured_output() as output:
        run_job("notices", replace(services, metrics=metrics))
        metrics.powertools.flush_metrics()
        metrics.flush()

    assert len(mailer.sent) == 2
    [line] = output.logs
    assert (
        line.items()
        >= {
            "level": "INFO",
            "message": "notices run",
            "job": "notices",
            "now": "2026-12-14T10:00:00+00:00",
            "due": 1,
            "notified": 1,
            "skipped": 0,
            "failed": 0,
            "left": 0,
            "emails": 2,
        }.items()
    )
    for email in mailer.sent:
        assert email.subject not in output.text and email.text not in output.text
        assert "a@example.com" not in output.text
    service = "service=studio-credits-test"
    assert {key: (value, unit) for key, (value, unit, _) in output.metrics.items()} == {
        f"NoticesRuns|{service}": (1, "Count"),
        f"NoticesDue|{service}": (1, "Count"),
        f"NoticesNotified|{service}": (1, "Count"),
        f"NoticesSkipped|{service}": (0, "Count"),
        f"NoticesFailed|{service}": (0, "Count"),
        f"NoticesLeft|{service}": (0, "Count"),
        f"NoticesEmails|{service}": (2, "Count"),
        f"NoticesRecorded|{service}": (2, "Count"),
    }


def test_a_sweep_run_logs_its_report_and_counts_the_credits_it_released(
    services: Services, clock: FixedClock
) -> None:
    account = subscribe(services, person("p"), "pro")
    ledger.reserve(services, SERVICE, account.id, image(2), "job-1", 60, "r1")
    clock.at += timedelta(minutes=5)
    metrics = EmfMetrics(service="studio-credits-test")

    with captured_output() as output:
        run_job("sweep", replace(services, metrics=metrics, correlation_id="event-7"))
        metrics.powertools.flush_metrics()
        metrics.flush()

    [line] = output.logs
    assert line.items() >= {"job": "sweep", "due": 1, "swept": 1, "failed": 0, "released": 1}.items()
    released = "CreditsReleased|CreativeKind=IMAGE|Plan=pro|service=studio-credits-test"
    assert output.metrics[released][:2] == (8, "Count")
    assert output.metrics["SweepReleased|service=studio-credits-test"][:2] == (1, "Count")
    [entry] = services.repository.history_page(account.id, HistoryFilter(), 1, None)[0]
    assert (entry.kind, entry.correlation_id) == (EntryKind.RELEASE, "event-7")
