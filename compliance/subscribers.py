"""What the compliance app does when something happens in the layers below it (`linke.events`)."""

from contracts.events import SLA_ESCALATED
from linke.events import subscriber

from .services import case_open_from_escalation


@subscriber(SLA_ESCALATED, name="compliance.open_case")
def open_case(event) -> None:
    """Three SLA breaches on one contract within 30 days: open a compliance case (once per event)."""
    case_open_from_escalation(event=event)
