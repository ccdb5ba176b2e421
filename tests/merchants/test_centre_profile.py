"""The merchant profile: the invitation to create one, creating it (once, also under a double submit),
validation of the credit code and mobile with the input kept, editing it, and the audit trail."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from linke.actors import Actor
from linke.errors import ConflictError, PermissionDeniedError
from linke.models import AuditEvent
from merchants.models import Merchant
from merchants.services.centre import merchant_create, merchant_update
from providers.choices import Role

from ..conftest import client_for_user
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
HOME = "/merchant/"


def client_of(user):
    """A signed-in client whose pages come in English."""
    client = client_for_user(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


VALID = {
    "name": "福州老张餐饮管理有限公司",
    "credit_code": "91350102MA2Y0K123M",
    "contact_name": "张三",
    "contact_mobile": "138 1234 5678",
}


def test_a_user_without_a_merchant_account_is_invited_to_create_one(user, english):
    response = client_of(user).get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Create your merchant profile" in body
    assert 'name="credit_code"' in body and 'name="contact_mobile"' in body
    assert reverse("portal:home") in body  # staff of a provider are pointed to their portal


def test_the_landing_page_leads_merchants_to_the_merchant_centre(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{HOME}"' in body and "a merchant" in body


def test_creating_the_profile_normalises_the_credit_code_and_lands_in_the_centre(user):
    client = client_of(user)
    typed_code = "９１３５０１０２ma2y-0k12 3m"  # full-width digits, lower case, hyphen and spaces
    response = client.post(HOME, {**VALID, "credit_code": typed_code, "contact_mobile": "138 1234 5678"})
    assert response.status_code == 302 and response.url == HOME
    merchant = Merchant.objects.get(owner=user)
    assert (merchant.name, merchant.credit_code, merchant.contact_name, str(merchant.contact_mobile)) == (
        "福州老张餐饮管理有限公司",
        "91350102MA2Y0K123M",
        "张三",
        "+8613812345678",
    )
    event = AuditEvent.objects.get(action="merchant.create")
    assert (event.object_id, event.actor, event.actor_kind) == (str(merchant.pk), user, "user")
    assert event.after["credit_code"] == "91350102MA2Y0K123M"
    page = client.get(HOME).content.decode()
    assert "福州老张餐饮管理有限公司" in page and 'name="credit_code"' not in page


def test_only_the_legal_name_is_required(user):
    response = client_of(user).post(HOME, {"name": "小李美甲店"})
    assert response.status_code == 302
    merchant = Merchant.objects.get(owner=user)
    assert (merchant.credit_code, merchant.contact_name, str(merchant.contact_mobile or "")) == ("", "", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91350102MA2Y0K1230", "the last character should be M, not 0"),
        ("credit_code", "12345", "18 characters; this one has 5"),
        ("contact_mobile", "0591 8765 4321", "Enter a valid mainland China mobile number, e.g. 138 1234 5678."),
        ("contact_mobile", "+85291234567", "Enter a valid mainland China mobile number, e.g. 138 1234 5678."),
        ("name", "", "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_what_was_typed_is_kept(user, english, field, value, message):
    response = client_of(user).post(HOME, {**VALID, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    body = response.content.decode()
    for kept in {**VALID, field: value}.values():
        assert f'value="{kept}"' in body or not kept
    assert not Merchant.objects.filter(owner=user).exists()
    assert not AuditEvent.objects.filter(action="merchant.create").exists()


def test_a_second_profile_is_refused(merchant, english):
    client = client_of(merchant.owner)
    response = client.post(HOME, {**VALID, "name": "第二个商家"})
    assert response.status_code == 302 and response.url == reverse("merchant:profile")
    assert list(Merchant.objects.values_list("name", flat=True)) == ["演示餐饮有限公司"]
    with pytest.raises(ConflictError) as refused:
        merchant_create(actor=Actor.for_user(merchant.owner), user=merchant.owner, data={"name": "第二个商家"})
    assert refused.value.code == "merchant_exists"


def test_nobody_creates_a_profile_for_someone_else(user):
    other = UserFactory()
    with pytest.raises(PermissionDeniedError):
        merchant_create(actor=Actor.for_user(other), user=user, data={"name": "冒名商家"})
    assert not Merchant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_creates_one_merchant_and_a_friendly_refusal(user):
    barrier, outcomes = threading.Barrier(2), []

    def submit(name):
        try:
            barrier.wait()
            merchant_create(actor=Actor.for_user(user), user=user, data={"name": name})
            outcomes.append("created")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(name,)) for name in ("甲商家", "乙商家")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "merchant_exists"]
    assert Merchant.objects.filter(owner=user).count() == 1
    assert AuditEvent.objects.filter(action="merchant.create").count() == 1


def test_the_page_turns_a_lost_double_submit_into_a_message(user, english, monkeypatch):
    """The other submit commits between this page's check and its insert: the service refuses, the page says so."""
    import merchants.views.centre as views

    def first_submit_wins(**kwargs):
        Merchant.objects.create(owner=user, name="先到的商家")
        return merchant_create(**kwargs)

    monkeypatch.setattr(views, "merchant_create", first_submit_wins)
    response = client_of(user).post(HOME, {"name": "后到的商家"})
    assert response.status_code == 302 and response.url == HOME
    assert list(Merchant.objects.values_list("name", flat=True)) == ["先到的商家"]
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["You already have a merchant account: it is shown in your merchant centre."]


def test_the_merchant_edits_its_profile_and_the_change_is_audited(merchant, english):
    client = client_of(merchant.owner)
    mobile_before = str(merchant.contact_mobile)
    page = client.get(reverse("merchant:profile"))
    assert page.status_code == 200 and 'value="演示餐饮有限公司"' in page.content.decode()
    response = client.post(
        reverse("merchant:profile"),
        {"name": "演示餐饮有限公司", "credit_code": "", "contact_name": "王五", "contact_mobile": "13900001111"},
    )
    assert response.status_code == 302 and response.url == HOME
    merchant.refresh_from_db()
    assert (merchant.contact_name, str(merchant.contact_mobile)) == ("王五", "+8613900001111")
    event = AuditEvent.objects.get(action="merchant.update")
    assert event.before == {"contact_name": "张三", "contact_mobile": mobile_before}
    assert event.after == {"contact_name": "王五", "contact_mobile": "+8613900001111"}


def test_a_bad_edit_changes_nothing(merchant, english):
    before = (merchant.name, merchant.contact_name, str(merchant.contact_mobile))
    response = client_of(merchant.owner).post(
        reverse("merchant:profile"), {"name": "演示餐饮有限公司", "credit_code": "ABC", "contact_mobile": "12345"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"credit_code", "contact_mobile"}
    merchant.refresh_from_db()
    assert (merchant.name, merchant.contact_name, str(merchant.contact_mobile)) == before
    assert not AuditEvent.objects.filter(action="merchant.update").exists()


def test_only_the_merchant_itself_updates_its_profile(merchant, other_merchant):
    with pytest.raises(PermissionDeniedError):
        merchant_update(
            actor=Actor.for_merchant(other_merchant, user=other_merchant.owner), merchant=merchant, data={"name": "X"}
        )
    with pytest.raises(PermissionDeniedError):
        merchant_update(actor=Actor.for_user(merchant.owner), merchant=merchant, data={"name": "X"})
    merchant.refresh_from_db()
    assert merchant.name == "演示餐饮有限公司"


def test_the_profile_page_needs_a_merchant_account(user):
    response = client_of(user).get(reverse("merchant:profile"))
    assert response.status_code == 302 and response.url == HOME


def test_a_provider_member_can_also_become_a_merchant(member, english):
    owner = member(Role.OWNER)
    client = client_of(owner.user)
    response = client.post(HOME, {"name": "兼做商家的服务商老板"})
    assert response.status_code == 302
    assert Merchant.objects.get(owner=owner.user).name == "兼做商家的服务商老板"
