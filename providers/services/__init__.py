"""Every write of the providers app. One module per area; names are importable from here."""

from .applications import (  # noqa: F401
    application_approve,
    application_reject,
    application_request_changes,
    application_save_draft,
    application_submit,
    applications_decide,
)
from .directory import listing_refresh  # noqa: F401
from .profile import case_study_save, profile_item_delete, provider_update, service_package_save  # noqa: F401
from .standing import standing_create, standing_set_tier  # noqa: F401
from .status import provider_reinstate, provider_suspend, provider_terminate  # noqa: F401
from .team import (  # noqa: F401
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
    ownership_transfer,
)
from .verification import (  # noqa: F401
    impersonation_report_create,
    impersonation_reports_close,
    impersonation_reports_investigate,
    verification_code_generate,
    verification_code_revoke,
    verification_lookup,
)
