"""Thin Celery tasks of the merchants domain: each calls one service (CONVENTIONS §5)."""

import logging

from linke.celery import Queue, task

from .services.imports import lead_import_run

logger = logging.getLogger(__name__)


# --- imports: lead files ------------------------------------------------------------------------
@task(queue=Queue.DEFAULT, soft_time_limit=3600, time_limit=3660)
def lead_import_run_task(lead_import_id: int) -> None:
    """Import a lead file the operator started (`merchants.services.imports.lead_import_run`). A large file
    takes minutes, hence the longer time limits; the service marks the import failed on any error."""
    lead_import = lead_import_run(lead_import_id=lead_import_id)
    logger.info("lead import %s: %s", lead_import_id, lead_import.status if lead_import else "not running")


# --- leads: the lead pool -------------------------------------------------------------------------
@task(queue=Queue.DEFAULT, soft_time_limit=540, time_limit=570)
def release_expired_leads_task() -> int:
    """Return the claims whose protection ran out to the public pool (`leads_release_expired`, set-based);
    run by beat every 10 minutes. A repeated run finds nothing left to release."""
    from .services.leads import leads_release_expired

    released = leads_release_expired()
    logger.info("released %s expired lead claims", released)
    return released
