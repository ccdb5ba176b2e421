"""The admin reads in Chinese, the default language: no column, filter or action shows an English label or
a raw code (third-party models included)."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from linke.actors import Actor
from linke.audit import audit_record
from linke.models import AuditEvent, Notification
from providers.choices import AuditAction

from ..factories.providers import ProviderApplicationFactory
from .pages import list_filter

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MODEL_ADMINS = list(admin.site._registry.items())


def filter_title(model, spec) -> str:
    if isinstance(spec, str):
        return model._meta.get_field(spec).verbose_name
    if isinstance(spec, tuple):
        return model._meta.get_field(spec[0]).verbose_name
    return spec.title


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=lambda value: getattr(value, "__name__", ""))
def test_every_column_filter_and_action_has_a_chinese_label(model, model_admin, operator):
    request = RequestFactory().get("/")
    request.user = operator
    with translation.override("zh-hans"):
        labels = {
            **{f"column {name}": label_for_field(name, model, model_admin) for name in model_admin.list_display},
            **{f"filter {spec}": filter_title(model, spec) for spec in model_admin.list_filter},
            **{
                f"action {name}": str(description) % {"verbose_name_plural": model._meta.verbose_name_plural}
                for name, (_function, _name, description) in model_admin.get_actions(request).items()
            },
            "model": model._meta.verbose_name_plural,
        }
        untranslated = {where: str(label) for where, label in labels.items() if not CHINESE.search(str(label))}
    assert untranslated == {}


@pytest.mark.django_db
def test_the_index_names_third_party_models_and_its_headers_in_chinese(chinese_operator_client):
    body = chinese_operator_client.get(reverse("admin:index")).content.decode()
    assert "Authenticators" not in body and ">认证器</a>" in body
    assert "Model name" not in body and "模型名称" in body


@pytest.mark.django_db
def test_the_authenticator_list_hides_the_secrets(chinese_operator_client, operator):
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.create(user=operator, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    page = chinese_operator_client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "JBSWY3DPEHPK3PXP" not in body
    assert "TOTP 认证器" in body and "最近使用时间" in body


@pytest.fixture
def approved(operator):
    application = ProviderApplicationFactory()
    return audit_record(
        action=AuditAction.APPLICATION_APPROVE,
        obj=application,
        actor=Actor.operator(operator),
        before={"status": "submitted"},
        after={"status": "approved"},
    )


@pytest.mark.django_db
def test_the_audit_list_shows_actions_and_object_types_by_their_labels(chinese_operator_client, approved):
    page = chinese_operator_client.get(reverse("admin:linke_auditevent_changelist"))
    body = page.content.decode()
    assert '<td class="field-action_display">已通过：服务商账号已创建</td>' in body
    assert '<td class="field-object_type_display">服务商入驻申请</td>' in body
    assert "application.approve<" not in body and "providers.providerapplication<" not in body
    # Every action of the catalogues, by label (read from the code, not counted over the trail).
    actions = list_filter(page, "action").lookup_choices
    assert ("application.approve", "已通过：服务商账号已创建") in actions
    assert ("event_delivery.retry", "已重新投递失败的事件") in actions
    assert all(value != label for value, label in actions)
    assert list_filter(page, "object_type").lookup_choices == [("providers.providerapplication", "服务商入驻申请")]


@pytest.mark.django_db
def test_notification_kinds_are_shown_by_label_or_as_recorded(chinese_operator_client, operator):
    Notification.objects.create(recipient=operator, verb="provider.suspend", title="您的服务商已被暂停")
    Notification.objects.create(recipient=operator, verb="team.joined", title="新成员加入")
    page = chinese_operator_client.get(reverse("admin:linke_notification_changelist"))
    body = page.content.decode()
    assert '<td class="field-kind">服务商已暂停</td>' in body
    assert '<td class="field-kind">team.joined</td>' in body  # in no catalogue: the raw value
    assert list_filter(page, "verb").lookup_choices == [
        ("provider.suspend", "服务商已暂停"),
        ("team.joined", "team.joined"),
    ]
    filtered = chinese_operator_client.get(reverse("admin:linke_notification_changelist"), {"verb": "team.joined"})
    assert [n.title for n in filtered.context["cl"].result_list] == ["新成员加入"]


@pytest.mark.django_db
def test_notifications_are_not_edited_in_the_admin(chinese_operator_client, operator):
    notification = Notification.objects.create(recipient=operator, verb="provider.suspend", title="原标题")
    url = reverse("admin:linke_notification_change", args=[notification.pk])
    assert 'name="title"' not in chinese_operator_client.get(url).content.decode()
    assert chinese_operator_client.post(url, {"title": "改过的标题", "verb": "x"}).status_code == 403
    assert Notification.objects.get(pk=notification.pk).title == "原标题"
    assert AuditEvent.objects.count() == 0
