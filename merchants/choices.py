from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.audit import AuditActions


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
    PROPOSED = "proposed", _("Answered with a proposal")
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


# --- imports: lead files (merchants.services.imports) ---------------------------------------------
class LeadImportAuditAction(AuditActions):
    """What importing lead files records in the audit trail."""

    PREVIEW = "lead_import.preview", _("Lead file uploaded and previewed (dry run)")
    START = "lead_import.start", _("Lead import started")
    FINISH = "lead_import.finish", _("Lead import finished")
    FAIL = "lead_import.fail", _("Lead import failed")


# --- centre: the merchant profile and stores (merchants.services.centre) ---------------------------
class CentreAuditAction(AuditActions):
    """What the merchant centre records in the audit trail."""

    MERCHANT_CREATE = "merchant.create", _("Merchant profile created")
    MERCHANT_UPDATE = "merchant.update", _("Merchant profile changed")
    STORE_CREATE = "store.create", _("Store added")
    STORE_UPDATE = "store.update", _("Store changed")
    LEAD_SIGNUP = "lead.signup", _("Merchant entered the lead pool with its stores")


# --- requests: cooperation requests 合作意向 (merchants.services.requests) ----------------------------
class RequestAuditAction(AuditActions):
    """What cooperation requests record in the audit trail."""

    SEND = "request.send", _("Cooperation request sent")
    DECLINE = "request.decline", _("Cooperation request declined")
    ANSWER_WITH_PROPOSAL = "request.answer_with_proposal", _("Cooperation request answered with a proposal")
    WITHDRAW = "request.withdraw", _("Cooperation request withdrawn")


# --- accounts: account owners 跟进人 (merchants.services.accounts) ----------------------------------
class AccountAuditAction(AuditActions):
    """What assigning account owners records in the audit trail."""

    REASSIGN = "account.reassign", _("Merchants reassigned to another account owner")
    HAND_OVER = "account.hand_over", _("A leaving member's merchants handed over")


# --- leads: the lead pool 拓客资源, claims 报备, disputes (merchants.services.leads) -------------------
class LeadAuditAction(AuditActions):
    """What the lead pool records in the audit trail (a set-based release is recorded in each claim's
    history and its `lead.released` event, not one audit row per claim)."""

    CLAIM = "lead_claim.create", _("Lead claimed")
    EXTEND = "lead_claim.extend", _("Lead protection extended")
    CONVERT = "lead_claim.convert", _("Lead claim converted")
    OPT_OUT = "lead.opt_out", _("Merchant opted out of the lead pool")
    OPT_IN = "lead.opt_in", _("Merchant opted back in to the lead pool")
    WITHHOLD = "lead.withhold", _("Lead left the pool: the merchant signed a contract")
    DISPUTE_OPEN = "lead_dispute.open", _("Lead claim disputed")
    DISPUTE_DECIDE = "lead_dispute.decide", _("Lead claim dispute decided")
