from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.audit import AuditActions


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    BD = "bd", _("Business development")
    OPERATOR = "operator", _("Operations")
    VIEWER = "viewer", _("Viewer")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CooperationMode(models.TextChoices):
    SPECIALIZED = "specialized", _("Specialized services")
    FULL_OPERATION = "full_operation", _("Full operation")


class ServiceArea(models.TextChoices):
    LIVESTREAM = "livestream", _("Livestream")
    SHORT_VIDEO = "short_video", _("Short video")
    STORE_OPS = "store_ops", _("Store operations")


class ServiceLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    VALUE_ADDED = "value_added", _("Value-added")
    CREATIVE = "creative", _("Creative")


class Tier(models.TextChoices):
    """服务能力等级: the capability tier (SPEC §6). The certification issue computes it; until then operators
    set it in the admin (`providers.services.standing`)."""

    L1 = "L1", _("L1 Rising")
    L2 = "L2", _("L2 Growing")
    L3 = "L3", _("L3 Preferred")
    L4 = "L4", _("L4 Gold")
    L5 = "L5", _("L5 Diamond")


class AccessMode(models.TextChoices):
    NATIVE = "native", _("Native system (portal)")
    OPEN_INTERFACE = "open_interface", _("Open interface (API)")
    BOTH = "both", _("Both")


class ImpersonationReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Investigating")
    CLOSED = "closed", _("Closed")


class VerificationOutcome(models.TextChoices):
    """Why a 身份验真码 check failed (a successful one is a VerificationEvent)."""

    UNKNOWN = "unknown", _("Unknown code")
    EXPIRED = "expired", _("Expired code")
    REVOKED = "revoked", _("Revoked code")
    REPLACED = "replaced", _("Replaced by a newer code")
    SUSPENDED = "suspended", _("Provider suspended")


class DirectorySort(models.TextChoices):
    """The orders of the public directory (`recommended`: see the page /providers/how-we-rank/)."""

    RECOMMENDED = "recommended", _("Recommended")
    RATING = "rating", _("Rating")
    GMV = "gmv", _("GMV served")
    NEWEST = "newest", _("Newest")


class AuditAction(AuditActions):
    """What the providers app records in the audit trail (`linke.audit.audit_record`)."""

    APPLICATION_CREATE = "application.create", _("Application started")
    APPLICATION_UPDATE = "application.update", _("Draft saved")
    APPLICATION_SUBMIT = "application.submit", _("Submitted for review")
    APPLICATION_REQUEST_CHANGES = "application.request_changes", _("Changes requested by the operators")
    APPLICATION_APPROVE = "application.approve", _("Approved: the provider account is created")
    APPLICATION_REJECT = "application.reject", _("Not approved")
    PROVIDER_CREATE = "provider.create", _("Provider created")
    PROVIDER_UPDATE = "provider.update", _("Provider details changed")
    PROVIDER_SUSPEND = "provider.suspend", _("Provider suspended")
    PROVIDER_REINSTATE = "provider.reinstate", _("Provider reinstated")
    PROVIDER_TERMINATE = "provider.terminate", _("Provider terminated")
    PROVIDER_TRANSFER_OWNERSHIP = "provider.transfer_ownership", _("Ownership transferred")
    INVITATION_CREATE = "invitation.create", _("Invitation sent")
    INVITATION_REVOKE = "invitation.revoke", _("Invitation withdrawn")
    INVITATION_ACCEPT = "invitation.accept", _("Invitation accepted")
    MEMBERSHIP_CHANGE_ROLE = "membership.change_role", _("Role changed")
    MEMBERSHIP_DEACTIVATE = "membership.deactivate", _("Member deactivated")
    MEMBERSHIP_REACTIVATE = "membership.reactivate", _("Member reactivated")
    VERIFICATION_CODE_GENERATE = "verification_code.generate", _("Verification code generated")
    VERIFICATION_CODE_REVOKE = "verification_code.revoke", _("Verification code revoked")
    IMPERSONATION_REPORT_CREATE = "impersonation_report.create", _("Impersonation reported")
    IMPERSONATION_REPORT_INVESTIGATE = "impersonation_report.investigate", _("Impersonation report taken up")
    IMPERSONATION_REPORT_CLOSE = "impersonation_report.close", _("Impersonation report closed")
    CASE_STUDY_SAVE = "case_study.save", _("Case study saved")
    CASE_STUDY_DELETE = "case_study.delete", _("Case study deleted")
    SERVICE_PACKAGE_SAVE = "service_package.save", _("Service package saved")
    SERVICE_PACKAGE_DELETE = "service_package.delete", _("Service package deleted")
    # Standing data and the directory
    STANDING_SET_TIER = "standing.set_tier", _("Tier set by the operators")
    STANDING_GRANT_TRACK = "standing.grant_track", _("Track certification granted by the operators")
    STANDING_REMOVE_TRACK = "standing.remove_track", _("Track certification removed by the operators")
