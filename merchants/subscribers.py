"""What the merchants app does when something happens in the layers below it (`linke.events`)."""

from linke.events import subscriber
from providers.events import VERIFICATION_SUCCEEDED
from providers.models import VerificationEvent

from .models import Merchant
from .services.leads import visit_record


@subscriber(VERIFICATION_SUCCEEDED, name="merchants.record_visit")
def record_visit(event) -> None:
    """A signed-in merchant checked a staff member's 身份验真码: a verified visit of that provider at the
    merchant, which extends the provider's claim of the merchant's lead once. Anyone else's check (an
    anonymous visitor, a user without a merchant account) is no visit of a merchant."""
    viewer_id = event.payload["viewer_user_id"]
    merchant = Merchant.objects.filter(owner_id=viewer_id).first() if viewer_id else None
    verification = VerificationEvent.objects.filter(pk=event.payload["verification_event_id"]).first()
    if merchant is not None and verification is not None:
        visit_record(verification_event=verification, merchant=merchant)
