"""The application list opens on the operators' to-do: the submitted applications."""

import pytest
from django.urls import reverse

from providers.choices import ApplicationStatus as S
from providers.models import ProviderApplication

from ..factories import ProviderFactory
from ..factories.providers import ProviderApplicationFactory
from .pages import list_filter

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:providers_providerapplication_changelist")


@pytest.fixture
def applications():
    for name, status in [
        ("待审一号", S.SUBMITTED),
        ("待审二号", S.SUBMITTED),
        ("草稿公司", S.DRAFT),
        ("已批公司", S.APPROVED),
        ("被拒公司", S.REJECTED),
    ]:
        provider = ProviderFactory(name=name) if status == S.APPROVED else None  # an approval made one
        ProviderApplicationFactory(legal_name=name, status=status, provider=provider)


def names(response):
    return sorted(application.legal_name for application in response.context["cl"].result_list)


def status_choices(response):
    choices = list_filter(response, "status").choices(response.context["cl"])
    return [(choice["display"], choice["selected"]) for choice in choices]


def test_without_a_filter_only_the_submitted_are_listed(chinese_operator_client, applications):
    response = chinese_operator_client.get(CHANGELIST)
    assert names(response) == ["待审一号", "待审二号"]
    assert status_choices(response) == [
        ("全部", False),
        ("草稿", False),
        ("已提交", True),
        ("需修改", False),
        ("已通过", False),
        ("已驳回", False),
    ]


def test_all_is_still_offered_and_lists_every_application(chinese_operator_client, applications):
    body = chinese_operator_client.get(CHANGELIST).content.decode()
    assert 'href="?status=all"' in body
    response = chinese_operator_client.get(CHANGELIST, {"status": "all"})
    assert names(response) == ["已批公司", "待审一号", "待审二号", "草稿公司", "被拒公司"]
    assert status_choices(response)[0] == ("全部", True)


def test_another_status_lists_only_it(chinese_operator_client, applications):
    assert names(chinese_operator_client.get(CHANGELIST, {"status": "rejected"})) == ["被拒公司"]


def test_an_action_from_the_default_list_touches_only_the_submitted(chinese_operator_client, applications):
    """Select-across on the default list means the submitted ones, as shown, never the drafts."""
    response = chinese_operator_client.post(
        CHANGELIST,
        {"action": "reject_selected", "select_across": "1", "index": "0", "_selected_action": ["0"]},
    )
    assert response.status_code == 200  # the reason form
    assert response.context["lines"] and all("待审" in line for line in response.context["lines"])
    assert len(response.context["lines"]) == 2


def test_a_decision_on_the_review_page_reports_an_application_decided_meanwhile(chinese_operator_client):
    application = ProviderApplicationFactory(legal_name="刚被驳回公司", status=S.SUBMITTED)
    page = chinese_operator_client.get(reverse("admin:providers_providerapplication_change", args=[application.pk]))
    assert f'<form method="post" action="{CHANGELIST}?status=all">' in page.content.decode()
    ProviderApplication.objects.filter(pk=application.pk).update(status=S.REJECTED)  # another operator, meanwhile
    response = chinese_operator_client.post(
        CHANGELIST + "?status=all",
        {"action": "approve_selected", "_selected_action": [application.pk]},
        follow=True,
    )
    assert [m.message for m in response.context["messages"]] == ["刚被驳回公司：未处理。当前状态下无法执行此操作。"]
    assert ProviderApplication.objects.get(pk=application.pk).status == S.REJECTED


def test_a_search_looks_through_every_status_unless_one_is_chosen(chinese_operator_client, applications):
    found = chinese_operator_client.get(CHANGELIST, {"q": "被拒"})
    assert names(found) == ["被拒公司"]
    assert ("全部", True) in status_choices(found)
    narrowed = chinese_operator_client.get(CHANGELIST, {"q": "公司", "status": "draft"})
    assert names(narrowed) == ["草稿公司"]
