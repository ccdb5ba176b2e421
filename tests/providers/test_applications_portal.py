"""入驻申请 pages: the application form and its status page in the portal, the operators' admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from linke.actors import Actor
from linke.models import AuditEvent
from linke.tenancy import all_providers
from providers.choices import ApplicationStatus as S
from providers.choices import Role
from providers.demo import demo_png
from providers.models import Membership, Provider, ProviderApplication
from providers.services.applications import application_request_changes

from ..factories import ProviderFactory, UserFactory
from ..factories.providers import ProviderApplicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]

CHANGELIST = reverse("admin:providers_providerapplication_changelist")


def english_client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def complete_form(cities, tracks, **overrides):
    return {
        "legal_name": "福州林客科技有限公司",
        "credit_code": "91350100m000100y43",
        "legal_representative": "陈林",
        "licence": SimpleUploadedFile("执照.png", demo_png(16, 16)),
        "contact_name": "王小明",
        "contact_mobile": "13912345678",
        "service_cities": [city.pk for city in cities],
        "tracks": [track.pk for track in tracks],
        "cooperation_modes": ["specialized"],
        "access_mode": "native",
        "introduction": "专注餐饮赛道。",
        **overrides,
    }


# --- The application form ---------------------------------------------------------------------
def test_home_of_a_non_member_links_to_the_application(user):
    body = english_client(user).get(reverse("portal:home")).content.decode()
    assert reverse("portal:apply") in body and reverse("portal:application_status") in body


def test_the_form_has_its_four_sections_and_a_filterable_city_list(user, cities, tracks):
    response = english_client(user).get(reverse("portal:apply"))
    assert response.status_code == 200
    assert [section.title for section in response.context["form"].sections] == [
        "Company",
        "Business licence",
        "Contact",
        "Services",
    ]
    body = response.content.decode()
    assert 'name="save"' in body and 'name="submit"' in body and 'enctype="multipart/form-data"' in body
    assert "PDF, JPEG or PNG, at most 5 MB" in body
    assert "(optional)" not in body and " required" not in body  # all needed to submit, none to save a draft
    assert "data-linke-filter" in body and 'data-search="fuzhoushi fzs fuzhou"' in body
    assert ">Fuzhou<" in body and ">Beijing<" in body  # English names on English pages
    assert "js/select-filter.js" in body


def test_save_draft_keeps_a_half_filled_application(user):
    response = english_client(user).post(reverse("portal:apply"), {"legal_name": "福州林客科技有限公司", "save": ""})
    assert response.status_code == 302 and response["Location"] == reverse("portal:apply")
    application = ProviderApplication.objects.get(applicant=user)
    assert (application.status, application.legal_name, application.access_mode) == (
        S.DRAFT,
        "福州林客科技有限公司",
        "native",
    )


def test_a_validation_error_keeps_what_was_typed_and_saves_only_what_is_valid(user, cities, tracks, private_media):
    data = complete_form(cities, tracks, credit_code="91350100M000100Y44", contact_mobile="010-12345678")
    response = english_client(user).post(reverse("portal:apply"), {**data, "submit": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="福州林客科技有限公司"' in body and 'value="91350100M000100Y44"' in body
    assert 'value="王小明"' in body and "专注餐饮赛道。" in body
    assert f'value="{cities[0].pk}" selected data-search="fuzhoushi fzs fuzhou"' in body
    assert "the last character should be 3, not 4" in body
    company, _, contact, _ = response.context["form"].sections
    assert set(company.errors) == {"credit_code"} and set(contact.errors) == {"contact_mobile"}
    assert "What was valid is saved. Please correct the marked fields." in body
    application = ProviderApplication.objects.get()  # a draft, with the valid answers and the licence file
    assert (application.status, application.legal_name, application.contact_name) == (
        "draft",
        "福州林客科技有限公司",
        "王小明",
    )
    assert (application.credit_code, str(application.contact_mobile)) == ("", "")
    assert application.licence.read().startswith(b"\x89PNG")
    assert "A licence file is on record." in body  # so it need not be chosen again


def test_submitting_an_incomplete_application_saves_the_draft_and_marks_what_is_missing(user):
    response = english_client(user).post(
        reverse("portal:apply"), {"legal_name": "福州林客科技有限公司", "access_mode": "native", "submit": ""}
    )
    assert response.status_code == 200
    assert "Your draft is saved, but it cannot be submitted yet" in response.content.decode()
    sections = response.context["form"].sections
    assert "licence" in sections[1].errors and "service_cities" in sections[3].errors
    assert 'value="福州林客科技有限公司"' in response.content.decode()
    assert ProviderApplication.objects.get(applicant=user).status == S.DRAFT


def test_a_complete_application_is_submitted_and_the_status_page_tells_the_story(user, cities, tracks):
    client = english_client(user)
    response = client.post(reverse("portal:apply"), {**complete_form(cities, tracks), "submit": ""})
    assert response.status_code == 302 and response["Location"] == reverse("portal:application_status")
    application = ProviderApplication.objects.get(applicant=user)
    assert (application.status, application.credit_code) == (S.SUBMITTED, "91350100M000100Y43")
    assert set(application.service_cities.all()) == set(cities)

    response = client.get(reverse("portal:application_status"))
    assert [entry["label"] for entry in response.context["timeline"]] == [
        "Application started",
        "Submitted for review",
    ]
    assert "Submitted" in response.content.decode()
    # Under review, the form is closed: the page sends the applicant to the status page.
    assert client.get(reverse("portal:apply"))["Location"] == reverse("portal:application_status")
    before = ProviderApplication.objects.filter(pk=application.pk).values().get()
    client.post(reverse("portal:apply"), {"legal_name": "改名", "save": ""})
    assert ProviderApplication.objects.filter(pk=application.pk).values().get() == before


def test_the_operators_reason_is_shown_next_to_the_form_and_on_the_status_page(cities, tracks, operator):
    application = ProviderApplicationFactory(status=S.SUBMITTED, service_cities=cities, tracks=tracks)
    application_request_changes(
        application=application, actor=Actor.operator(operator), reason="请上传清晰的营业执照扫描件"
    )
    client = english_client(application.applicant)
    form_page = client.get(reverse("portal:apply")).content.decode()
    assert "Our operators asked for changes" in form_page and "请上传清晰的营业执照扫描件" in form_page
    assert reverse("portal:application_licence", kwargs={"pk": application.pk}) in form_page
    status_page = client.get(reverse("portal:application_status"))
    last = status_page.context["timeline"][-1]
    assert (last["label"], last["reason"], last["by_operator"]) == (
        "Changes requested by the operators",
        "请上传清晰的营业执照扫描件",
        True,
    )
    assert "请上传清晰的营业执照扫描件" in status_page.content.decode()


def test_an_approved_applicant_is_led_into_the_portal(operator):
    provider = ProviderFactory(name="林客科技")
    application = ProviderApplicationFactory(status=S.APPROVED, provider=provider)
    body = english_client(application.applicant).get(reverse("portal:application_status")).content.decode()
    assert "Open the provider portal" in body
    assert f'name="provider" value="{provider.pk}"' in body


def test_the_status_page_without_an_application_leads_to_the_form(user):
    assert english_client(user).get(reverse("portal:application_status"))["Location"] == reverse("portal:apply")


# --- The operators' admin ---------------------------------------------------------------------
def test_the_admin_review_page_is_read_only_with_the_licence_and_the_decisions(operator):
    application = ProviderApplicationFactory(status=S.SUBMITTED)
    response = english_client(operator).get(
        reverse("admin:providers_providerapplication_change", args=[application.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("portal:application_licence", kwargs={"pk": application.pk}) in body
    assert 'name="status"' not in body and 'name="_save"' not in body  # status is never edited by hand
    assert 'value="approve_selected"' in body and 'value="reject_selected"' in body


def test_admin_approves_and_reports_each_row(operator):
    good = ProviderApplicationFactory(status=S.SUBMITTED, legal_name="好公司")
    draft = ProviderApplicationFactory(status=S.DRAFT, legal_name="草稿公司")
    taken = ProviderApplicationFactory(status=S.SUBMITTED, legal_name="重复公司")
    ProviderFactory(credit_code=taken.credit_code)
    response = english_client(operator).post(
        CHANGELIST + "?status=all",  # the list opens on the submitted ones: the draft is among all
        {"action": "approve_selected", "_selected_action": [good.pk, draft.pk, taken.pk]},
        follow=True,
    )
    messages = {(m.level_tag, m.message) for m in response.context["messages"]}
    assert ("success", "Approved: 好公司.") in messages
    assert ("error", "草稿公司: not done. This action is not possible in the current state.") in messages
    assert any(
        level == "error" and text.startswith("重复公司: not done. A provider with this credit code")
        for level, text in messages
    )
    assert len(messages) == 3
    statuses = dict(ProviderApplication.objects.values_list("legal_name", "status"))
    assert statuses == {"好公司": S.APPROVED, "草稿公司": S.DRAFT, "重复公司": S.SUBMITTED}
    with all_providers():
        owner = Membership.objects.get(provider__name="好公司")
    assert (owner.user, owner.role) == (good.applicant, Role.OWNER)


def test_admin_rejects_with_a_reason_through_the_intermediate_page(operator):
    application = ProviderApplicationFactory(status=S.SUBMITTED, legal_name="被拒公司")
    client = english_client(operator)
    page = client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": [application.pk]})
    assert page.status_code == 200
    assert "被拒公司" in page.content.decode() and 'name="reason"' in page.content.decode()
    assert ProviderApplication.objects.get(pk=application.pk).status == S.SUBMITTED

    no_reason = client.post(
        CHANGELIST, {"action": "reject_selected", "_selected_action": [application.pk], "apply": "", "reason": " "}
    )
    assert no_reason.status_code == 200 and "reason" in no_reason.context["form"].errors
    assert ProviderApplication.objects.get(pk=application.pk).status == S.SUBMITTED

    done = client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [application.pk], "apply": "", "reason": "执照已过期"},
        follow=True,
    )
    assert [m.message for m in done.context["messages"]] == ["Rejected: 被拒公司."]
    application.refresh_from_db()
    assert (application.status, application.review_reason, application.reviewed_by) == (
        S.REJECTED,
        "执照已过期",
        operator,
    )
    assert AuditEvent.objects.get(action="application.reject").reason == "执照已过期"


def test_admin_requests_changes_with_a_reason(operator):
    application = ProviderApplicationFactory(status=S.SUBMITTED, legal_name="待补充公司")
    english_client(operator).post(
        CHANGELIST,
        {"action": "request_changes_selected", "_selected_action": [application.pk], "apply": "", "reason": "补充"},
    )
    application.refresh_from_db()
    assert (application.status, application.review_reason) == (S.CHANGES_REQUESTED, "补充")


def test_admin_actions_need_the_review_permission(operator):
    application = ProviderApplicationFactory(status=S.SUBMITTED)
    staff = UserFactory(is_staff=True)  # staff without permissions on applications
    response = english_client(staff).post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [application.pk]}
    )
    assert response.status_code == 403
    assert ProviderApplication.objects.get(pk=application.pk).status == S.SUBMITTED
    assert not Provider.objects.exists()


def test_admin_list_shows_applications(operator):
    ProviderApplicationFactory(legal_name="列表公司")
    response = english_client(operator).get(CHANGELIST, {"status": "all"})  # a draft: not in the default list
    assert response.status_code == 200 and escape("列表公司") in response.content.decode()


def test_chinese_city_labels_name_the_province(client, user, cities, tracks):
    client.force_login(user)
    body = client.get(reverse("portal:apply"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "福州市（福建省）" in body and ">北京市<" in body  # a municipality is not its own province
