"""An audit event's page: the action and object by their labels, before/after as a table, values escaped."""

import pytest
from django.urls import reverse

from linke.models import AuditEvent

pytestmark = pytest.mark.django_db


def event(**fields):
    return AuditEvent.objects.create(
        **{"action": "application.approve", "object_type": "providers.providerapplication", "object_id": "7", **fields}
    )


def detail(client, audit_event) -> str:
    return client.get(reverse("admin:linke_auditevent_change", args=[audit_event.pk])).content.decode()


def test_before_and_after_read_as_a_table_of_labelled_fields(chinese_operator_client):
    body = detail(
        chinese_operator_client,
        event(
            before={"status": "submitted", "cooperation_modes": ["specialized"], "legal_name": ""},
            after={"status": "approved", "cooperation_modes": ["specialized", "full_operation"], "owner": "a@b.test"},
        ),
    )
    assert "<thead><tr><th>字段</th><th>变更前</th><th>变更后</th></tr></thead>" in body
    assert "<tr><th scope='row'>状态</th><td>已提交</td><td>已通过</td></tr>" in body
    assert "<tr><th scope='row'>合作模式</th><td>专项服务</td><td>专项服务、代运营</td></tr>" in body
    assert "<tr><th scope='row'>企业名称</th><td>—</td><td>—</td></tr>" in body
    assert "<tr><th scope='row'>owner</th><td>—</td><td>a@b.test</td></tr>" in body  # not a field: its key
    assert "已通过：服务商账号已创建" in body and '<div class="readonly">application.approve</div>' not in body
    assert '"status"' not in body  # no raw JSON


def test_values_are_escaped(chinese_operator_client):
    body = detail(
        chinese_operator_client,
        event(before={"legal_name": "<b>旧名</b>"}, after={"legal_name": "<script>alert(1)</script>", "<i>": 1}),
    )
    assert "<td>&lt;b&gt;旧名&lt;/b&gt;</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in body
    assert "<th scope='row'>&lt;i&gt;</th>" in body
    assert "<script>alert(1)" not in body and "<b>旧名" not in body


def test_an_object_type_the_code_no_longer_has_is_shown_as_recorded(chinese_operator_client):
    body = detail(chinese_operator_client, event(object_type="gone.model", action="gone.verb", after={"x": True}))
    assert '<div class="readonly">gone.model</div>' in body and '<div class="readonly">gone.verb</div>' in body
    assert "<tr><th scope='row'>x</th><td>—</td><td>是</td></tr>" in body


def test_an_event_without_changes_says_so(chinese_operator_client):
    body = detail(chinese_operator_client, event())
    assert "<table><thead>" not in body and '<div class="readonly">—</div>' in body
