from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linke.audit import AuditActions
from providers.choices import CooperationMode, ServiceArea, ServiceLevel  # noqa: F401 - re-exported

# A contract's kind is the provider's cooperation mode; service areas and levels are the providers app's
# (the directory's packages use the same): one vocabulary, imported here under the contract's names.
ContractKind = CooperationMode


class ContractStatus(models.TextChoices):
    """SPEC §5: draft → proposed → signed → active → completed | terminated | expired, proposed → rejected |
    cancelled; a merchant's cancellation in the 7-day cooling-off also ends a signed or active one as
    cancelled (`transitions.CONTRACT_TRANSITIONS`)."""

    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Awaiting the merchant's signature")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
    EXPIRED = "expired", _("Expired")
    REJECTED = "rejected", _("Rejected by the merchant")
    CANCELLED = "cancelled", _("Cancelled")


class ContractOrigin(models.TextChoices):
    """Where a proposal came from."""

    SCRATCH = "scratch", _("Proposed by the provider")
    REQUEST = "request", _("Answer to a cooperation request")
    LEAD = "lead", _("A held lead")
    RFQ = "rfq", _("Accepted proposal for a posted need")
    UPGRADE = "upgrade", _("Upgrade of a specialized contract")


class Side(models.TextChoices):
    """Who acted on a shared row."""

    PROVIDER = "provider", _("Provider")
    MERCHANT = "merchant", _("Merchant")
    PLATFORM = "platform", _("Platform")


class StandardKind(models.TextChoices):
    """交付标准: the KPIs of a full-operation contract, each with a monthly target."""

    MONTHLY_GMV = "monthly_gmv", _("Monthly GMV target (CNY)")
    SHORT_VIDEOS = "short_videos", _("Short videos per month")
    LIVESTREAM_HOURS = "livestream_hours", _("Livestream hours per month")
    RESPONSE_HOURS = "response_hours", _("Response time (hours, at most)")


class DeliverableStatus(models.TextChoices):
    PENDING = "pending", _("To deliver")
    SUBMITTED = "submitted", _("Awaiting acceptance")
    ACCEPTED = "accepted", pgettext_lazy("deliverable", "Accepted")
    REJECTED = "rejected", _("Rejected, to resubmit")


class ContractEventKind(models.TextChoices):
    """One line of a contract's timeline, shown to both sides."""

    DRAFTED = "drafted", _("Drafted")
    PROPOSED = "proposed", _("Proposed")
    REVISED = "revised", _("Revised (new version)")
    SIGNED = "signed", _("Signed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    ACTIVATED = "activated", _("Started")
    NOTICE_GIVEN = "notice_given", _("Notice of termination given")
    NOTICE_AGREED = "notice_agreed", _("Earlier end agreed")
    ENDED = "ended", _("Ended")
    UPGRADED = "upgraded", _("Upgrade proposed")
    DELIVERABLE_SUBMITTED = "deliverable_submitted", _("Deliverable submitted")
    DELIVERABLE_ACCEPTED = "deliverable_accepted", _("Deliverable accepted")
    DELIVERABLE_REJECTED = "deliverable_rejected", _("Deliverable rejected")
    DELIVERABLE_AUTO_ACCEPTED = "deliverable_auto_accepted", _("Deliverable accepted automatically")
    BREACH_RECORDED = "breach_recorded", _("Deadline missed")
    SLA_ESCALATED = "sla_escalated", _("Repeated missed deadlines referred to the platform")
    KPI_EVALUATED = "kpi_evaluated", _("Monthly KPIs evaluated")
    STATEMENT_ISSUED = "statement_issued", _("Statement issued")
    STATEMENT_CONFIRMED = "statement_confirmed", _("Statement confirmed")
    STATEMENT_DISPUTED = "statement_disputed", _("Statement disputed")
    STATEMENT_PAID = "statement_paid", _("Statement paid")
    REVIEWED = "reviewed", _("Reviewed")
    REVIEW_REPLIED = "review_replied", _("Review answered")


class GmvKind(models.TextChoices):
    ORDER = "order", pgettext_lazy("gmv", "Order")
    REFUND = "refund", _("Refund")


class StatementStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting the merchant")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    PAID = "paid", _("Paid")


class RfqStatus(models.TextChoices):
    """A merchant's posted need (需求发布)."""

    OPEN = "open", _("Open for proposals")
    AWARDED = "awarded", _("Proposal accepted")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Withdrawn")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", pgettext_lazy("proposal", "Accepted")
    CLOSED = "closed", _("Not chosen")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ContractAuditAction(AuditActions):
    DRAFT = "contract.draft", _("Contract drafted")
    UPDATE_DRAFT = "contract.update_draft", _("Contract draft changed")
    PROPOSE = "contract.propose", _("Contract proposed")
    REVISE = "contract.revise", _("Contract revised")
    SIGN = "contract.sign", _("Contract signed")
    REJECT = "contract.reject", _("Contract rejected")
    CANCEL = "contract.cancel", _("Contract cancelled")
    NOTICE = "contract.notice", _("Notice of termination")
    NOTICE_AGREE = "contract.notice_agree", _("Earlier end agreed")
    UPGRADE = "contract.upgrade", _("Contract upgrade proposed")
    RETURN_TO_POOL = "contract.return_to_pool", _("Merchant decided whether its lead returns to the pool")


class DeliverableAuditAction(AuditActions):
    SUBMIT = "deliverable.submit", _("Deliverable submitted")
    ACCEPT = "deliverable.accept", _("Deliverable accepted")
    REJECT = "deliverable.reject", _("Deliverable rejected")
    COMPLETE_CONTRACT = "contract.complete_delivered", _("Contract completed: every deliverable accepted")


class MoneyAuditAction(AuditActions):
    GMV_IMPORT = "gmv.import", _("GMV records imported")
    STATEMENT_ISSUE = "statement.issue", _("Statement issued")
    STATEMENT_CONFIRM = "statement.confirm", _("Statement confirmed")
    STATEMENT_DISPUTE = "statement.dispute", _("Statement disputed")
    STATEMENT_PAY = "statement.pay", _("Statement marked paid")


class RfqAuditAction(AuditActions):
    POST = "rfq.post", _("Need posted")
    CANCEL = "rfq.cancel", _("Need withdrawn")
    PROPOSE = "rfq.propose", _("Proposal submitted")
    WITHDRAW = "rfq.withdraw", _("Proposal withdrawn")
    ACCEPT = "rfq.accept", _("Proposal accepted")


class ReviewAuditAction(AuditActions):
    CREATE = "review.create", _("Review written")
    REPLY = "review.reply", _("Review answered")
