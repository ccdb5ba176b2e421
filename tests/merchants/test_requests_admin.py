"""Operators see cooperation requests (with their stores inline) and the stores of requests in the admin,
read only: they change only through the services."""

import pytest
from django.urls import reverse

from ..conftest import client_for_user
from ..factories import MerchantFactory, ProviderFactory
from ..tenancy.cases.requests import make_request

pytestmark = pytest.mark.django_db


def test_requests_and_their_stores_render_read_only(operator):
    request = make_request(ProviderFactory(name="阿尔法服务商"), MerchantFactory(name="演示餐饮有限公司"))
    line = request.request_stores.get()
    client = client_for_user(operator)
    for model, obj in (("cooperationrequest", request), ("cooperationrequeststore", line)):
        listing = client.get(reverse(f"admin:merchants_{model}_changelist"))
        assert listing.status_code == 200 and listing.context["cl"].result_count == 1
        page = client.get(reverse(f"admin:merchants_{model}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert page.context["has_change_permission"] is False
    page = client.get(reverse("admin:merchants_cooperationrequest_change", args=[request.pk]))
    assert line.store.name in page.content.decode()
    assert client.get(reverse("admin:merchants_cooperationrequest_add")).status_code == 403
