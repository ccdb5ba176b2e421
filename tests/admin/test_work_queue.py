"""The operators' work queue on the admin index: what waits for them, counted, each linked to its list."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from providers.choices import ApplicationStatus, ImpersonationReportStatus, VerificationOutcome
from providers.models import ImpersonationReport

from ..factories import ProviderFactory, UserFactory
from ..factories.providers import ProviderApplicationFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
APPLICATIONS = reverse("admin:providers_providerapplication_changelist") + "?status=submitted"
REPORTS = reverse("admin:providers_impersonationreport_changelist") + "?status__exact=open"
DISPUTES = reverse("admin:merchants_leaddispute_changelist") + "?status__exact=open"


def report(status):
    return ImpersonationReport.objects.create(
        outcome=VerificationOutcome.UNKNOWN,
        location="福州市鼓楼区",
        occurred_at=timezone.now() - timedelta(hours=1),
        status=status,
    )


@pytest.fixture
def waiting_work():
    """Two applications to review and three open reports, among rows that wait for no one."""
    for status in [ApplicationStatus.SUBMITTED, ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT]:
        ProviderApplicationFactory(status=status)
    ProviderApplicationFactory(status=ApplicationStatus.CHANGES_REQUESTED)
    for status in ["open", "open", "open", "investigating", "closed"]:
        report(status)


def test_the_index_shows_what_waits_with_its_count_and_link(chinese_operator_client, waiting_work):
    page = chinese_operator_client.get(INDEX)
    assert page.context["work_queue"] == [
        {"label": "待审核的入驻申请", "count": 2, "url": APPLICATIONS},
        {"label": "待处理的冒充举报", "count": 3, "url": REPORTS},
        {"label": "待裁决的线索报备申诉", "count": 0, "url": DISPUTES},
    ]
    body = page.content.decode()
    assert "<caption>待您处理</caption>" in body
    assert f'<a href="{APPLICATIONS}">待审核的入驻申请</a>' in body
    assert '<span class="count">2</span>' in body and '<span class="count">3</span>' in body
    assert body.index('id="work-queue"') < body.index('class="app-providers module')  # above the app list


def test_each_link_lists_exactly_what_was_counted(chinese_operator_client, waiting_work):
    assert chinese_operator_client.get(APPLICATIONS).context["cl"].result_count == 2
    assert chinese_operator_client.get(REPORTS).context["cl"].result_count == 3


def test_nothing_waiting_is_said_so(chinese_operator_client):
    ProviderApplicationFactory(status=ApplicationStatus.APPROVED, provider=ProviderFactory())
    report(ImpersonationReportStatus.CLOSED)
    page = chinese_operator_client.get(INDEX)
    assert [item["count"] for item in page.context["work_queue"]] == [0, 0, 0]
    body = page.content.decode()
    assert body.count("暂无待办") == 3 and 'class="count"' not in body


def test_each_count_is_one_query_whatever_the_rows(operator, waiting_work, django_assert_num_queries):
    request = RequestFactory().get(INDEX)
    request.user = operator  # a superuser: the permission checks need no query
    with django_assert_num_queries(3):  # one per queue: applications, reports, claim disputes
        admin.site.work_queue(request)


def test_an_operator_sees_only_the_work_they_may_open(waiting_work):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_impersonationreport"))
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(staff)
    assert client.get(INDEX).context["work_queue"] == [{"label": "待处理的冒充举报", "count": 3, "url": REPORTS}]
