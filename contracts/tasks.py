"""Thin Celery tasks of the contracts domain: each calls one service (CONVENTIONS §5). Each area keeps its
tasks in its own section."""

import logging

from linke.celery import Queue, task

logger = logging.getLogger(__name__)


# --- rfqs: posted needs (需求发布) ------------------------------------------------------------------
@task(queue=Queue.DEFAULT, soft_time_limit=540, time_limit=570)
def rfqs_close_due_task() -> int:
    """Close the open needs whose deadline has passed, and their proposals (`rfqs_close_due`, set-based); run
    by beat every 10 minutes. A repeated run finds nothing left to close."""
    from .services.rfqs import rfqs_close_due

    closed = rfqs_close_due()
    logger.info("closed %s posted needs at their deadline", closed)
    return closed


# --- contracts: the lifecycle by date ---------------------------------------------------------------
@task(queue=Queue.DEFAULT, soft_time_limit=1740, time_limit=1780)
def contracts_activate_due_task() -> int:
    """Start the signed contracts whose start date has come (`contracts_activate_due`, set-based); run by beat
    shortly after midnight (China) and hourly as a catch-up. A repeated run finds nothing left to start."""
    from .services.contracts import contracts_activate_due

    started = contracts_activate_due()
    logger.info("started %s contracts on their start date", started)
    return started


@task(queue=Queue.DEFAULT, soft_time_limit=1740, time_limit=1780)
def contracts_end_due_task() -> int:
    """End the active contracts whose end date has passed (`contracts_end_due`, set-based): completed,
    expired or terminated; run like `contracts_activate_due_task`. Idempotent."""
    from .services.contracts import contracts_end_due

    ended = contracts_end_due()
    logger.info("ended %s contracts after their end date", ended)
    return ended


# --- money: monthly statements ----------------------------------------------------------------------
@task(queue=Queue.DEFAULT, soft_time_limit=1740, time_limit=1780)
def statements_issue_due_task() -> int:
    """Issue the previous month's statements of every full-operation contract (`statements_issue_due`,
    set-based); run by beat on the 1st shortly after midnight (China) and daily as a catch-up. A repeated run
    issues nothing twice."""
    from .services.money import statements_issue_due

    issued = statements_issue_due()
    logger.info("issued %s monthly statements", issued)
    return issued


# --- deliverables: months, automatic acceptance, SLA, KPIs --------------------------------------------
def _previous_month_start():
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@task(queue=Queue.SLA, soft_time_limit=1740, time_limit=1780)
def monthly_deliverables_generate_task(month: str | None = None) -> int:
    """Create a month's deliverables of the active full-operation contracts (`monthly_deliverables_generate`,
    set-based; `month` ISO, default the current one, China's calendar); run by beat on the 1st, and on
    demand (`manage.py generate_deliverables`). Idempotent."""
    from datetime import date

    from django.utils import timezone

    from .services.deliverables import monthly_deliverables_generate

    day = date.fromisoformat(month) if month else timezone.localdate()
    created = monthly_deliverables_generate(month=day)
    logger.info("created %s deliverables for %s", created, f"{day:%Y-%m}")
    return created


@task(queue=Queue.SLA, soft_time_limit=540, time_limit=570)
def deliverables_auto_accept_task() -> int:
    """Accept the deliverables nobody answered within 72 hours, and send the notices 24 hours before
    (`deliverables_auto_accept`, set-based); run by beat every 10 minutes. Idempotent."""
    from .services.deliverables import deliverables_auto_accept

    accepted = deliverables_auto_accept()
    logger.info("accepted %s deliverables automatically", accepted)
    return accepted


@task(queue=Queue.SLA, soft_time_limit=540, time_limit=570)
def sla_check_task() -> int:
    """Record the SLA breaches and escalate repeated ones (`sla_check`, set-based); run by beat every 10
    minutes, and on demand (`manage.py check_slas`). Exactly once per deliverable, however often it runs."""
    from .services.deliverables import sla_check

    result = sla_check()
    logger.info("SLA check: %s breaches, %s escalations", result.breaches, result.escalations)
    return result.breaches


@task(queue=Queue.NOTIFICATIONS)
def deliverables_notify_task(notice: str, deliverable_ids: list[int]) -> int:
    """Write the notifications of one batch of automatic acceptance or of the SLA check, after it committed
    (`deliverables_notify`, one statement; the emails follow)."""
    from .services.deliverables import deliverables_notify

    written = deliverables_notify(notice=notice, deliverable_ids=deliverable_ids)
    logger.info("%s: %s notifications for %s deliverables", notice, written, len(deliverable_ids))
    return written


@task(queue=Queue.SLA, soft_time_limit=1740, time_limit=1780)
def kpis_evaluate_task(month: str | None = None) -> int:
    """Evaluate a month's KPIs of the full-operation contracts (`kpis_evaluate`; `month` ISO, default the
    previous month, China's calendar); run by beat on the 1st, and on demand. Re-running replaces the figures."""
    from datetime import date

    from .services.deliverables import kpis_evaluate

    day = date.fromisoformat(month) if month else _previous_month_start()
    written = kpis_evaluate(month=day)
    logger.info("evaluated %s KPI results for %s", written, f"{day:%Y-%m}")
    return written
