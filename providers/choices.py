from django.db import models
from django.utils.translation import gettext_lazy as _


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
