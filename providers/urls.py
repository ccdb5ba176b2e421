from django.urls import path

from .views import applications, directory, portal, team, verification
from .views import settings as settings_views

# Portal pages (mounted under /portal/ in the `portal` namespace).
urlpatterns = [
    path("", portal.HomeView.as_view(), name="home"),
    path("switch/", portal.SwitchProviderView.as_view(), name="switch_provider"),
    # 入驻申请: the logged-in user's own application (no provider needed).
    path("apply/", applications.ApplicationView.as_view(), name="apply"),
    path("apply/status/", applications.ApplicationStatusView.as_view(), name="application_status"),
    path("apply/again/", applications.ApplicationStartAgainView.as_view(), name="application_start_again"),
    path("apply/licence/<int:pk>/", applications.ApplicationLicenceView.as_view(), name="application_licence"),
    path("team/", team.TeamView.as_view(), name="team"),
    path("team/<int:pk>/", team.TeamMemberView.as_view(), name="team_member"),
    path("team/<int:pk>/role/", team.MemberRoleView.as_view(), name="team_member_role"),
    path("team/<int:pk>/deactivate/", team.MemberDeactivateView.as_view(), name="team_member_deactivate"),
    path("team/<int:pk>/reactivate/", team.MemberReactivateView.as_view(), name="team_member_reactivate"),
    path("team/<int:pk>/transfer-ownership/", team.OwnershipTransferView.as_view(), name="team_transfer_ownership"),
    path("team/invitations/", team.InvitationCreateView.as_view(), name="invitation_create"),
    path("team/invitations/<int:pk>/revoke/", team.InvitationRevokeView.as_view(), name="invitation_revoke"),
    path("invitations/accept/<str:token>/", team.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("settings/", settings_views.SettingsView.as_view(), name="settings"),
    path("settings/packages/new/", settings_views.ServicePackageView.as_view(), name="package_create"),
    path("settings/packages/<int:pk>/", settings_views.ServicePackageView.as_view(), name="package_edit"),
    path(
        "settings/packages/<int:pk>/delete/", settings_views.ServicePackageDeleteView.as_view(), name="package_delete"
    ),
    path("settings/cases/new/", settings_views.CaseStudyView.as_view(), name="case_create"),
    path("settings/cases/<int:pk>/", settings_views.CaseStudyView.as_view(), name="case_edit"),
    path("settings/cases/<int:pk>/delete/", settings_views.CaseStudyDeleteView.as_view(), name="case_delete"),
    path("verification-code/", verification.VerificationCodeView.as_view(), name="verification_code"),
    path(
        "verification-code/revoke/", verification.VerificationCodeRevokeView.as_view(), name="verification_code_revoke"
    ),
    path("verifications/", verification.VerificationEventListView.as_view(), name="verification_events"),
]

# Public pages (no login, no tenant).
public_urlpatterns = [
    path("verify/", verification.verify, name="verify"),
    path("verify/<str:code>/", verification.verify_result, name="verify_result"),
    path("verify/<str:code>/report/", verification.verify_report, name="verify_report"),
    # The public provider directory (no login).
    path("providers/", directory.directory, name="directory"),
    path("providers/how-we-rank/", directory.ranking, name="directory_ranking"),
    path("providers/<int:pk>/", directory.profile, name="directory_profile"),
]
