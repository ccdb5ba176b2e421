from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    IMPORT = "import", _("Imported by operators")
    SIGNUP = "signup", _("Merchant signed up")


class ClaimStatus(models.TextChoices):
    """A claim (报备) of a lead by one provider: active while it protects the lead, then ended one way."""

    ACTIVE = "active", _("Protected")
    RELEASED = "released", _("Released to the public pool")
    CONVERTED = "converted", _("Converted (contract signed)")
    OPTED_OUT = "opted_out", _("Ended: the merchant opted out")
    REASSIGNED = "reassigned", _("Reassigned by the operators")


class ClaimEventKind(models.TextChoices):
    """One line of a claim's history, as its holder sees it."""

    CLAIMED = "claimed", _("Claimed")
    EXTENDED = "extended", _("Protection extended")
    RELEASED = "released", _("Released")
    CONVERTED = "converted", _("Converted")
    OPTED_OUT = "opted_out", _("The merchant opted out")
    REASSIGNED = "reassigned", _("Reassigned")
    DISPUTED = "disputed", _("Disputed by another provider")
    DISPUTE_DECIDED = "dispute_decided", _("Dispute decided")


class ExtensionReason(models.TextChoices):
    VISIT = "visit", _("Verified visit")
    PROPOSAL = "proposal", _("Contract proposal")


class RequestStatus(models.TextChoices):
    """A cooperation request (合作意向); the contracts issue adds "answered with a proposal"."""

    OPEN = "open", _("Awaiting an answer")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the operators")
    UPHELD = "upheld", _("Upheld: the lead goes to the disputing provider")
    DISMISSED = "dismissed", _("Dismissed: the claim stands")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed (dry run)")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
