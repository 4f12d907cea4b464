"""Running a job by name: the same code for its Lambda function and for `studio-credits <job>`."""

from datetime import UTC, datetime, timedelta

from studio_credits.domain.account import Account
from studio_credits.domain.notice_rules import next_notice_at
from studio_credits.jobs.each_due import JobReport, RemainingMillis
from studio_credits.service.ports import Services

SCHEDULES = {"refresh": timedelta(minutes=15), "notices": timedelta(days=1), "sweep": timedelta(minutes=5)}
"""How often EventBridge runs each job: the `rate(...)` of its schedule in serverless.yml."""
JOBS = tuple(SCHEDULES)


def next_due_for(account: Account) -> dict[str, datetime | None]:
    """When each job next has work for the account: the keys its due index holds for it."""
    return {
        "refresh": account.refresh_due_at,
        "notices": next_notice_at(account),
        "sweep": account.next_hold_expiry_at,
    }


def run_job(job: str, services: Services, remaining_ms: RemainingMillis | None = None) -> JobReport:
    """Run `job` once as of `services.clock`; its report's counts go to the metrics."""
    report = _run(job, services, remaining_ms)
    services.metrics.job_ran(job, report.counts())
    return report


def _run(job: str, services: Services, remaining_ms: RemainingMillis | None) -> JobReport:
    if job == "refresh":
        from studio_credits.jobs.refresh import run_refresh

        return run_refresh(services, remaining_ms)
    if job == "notices":
        from studio_credits.jobs.notices import run_notices

        return run_notices(services, remaining_ms)
    if job == "sweep":
        from studio_credits.jobs.sweep import run_sweep

        return run_sweep(services, remaining_ms)
    raise ValueError(f"no job {job!r}; jobs are {', '.join(JOBS)}")


def parse_moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
