import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from linke.models import User
from linke.tenancy import all_providers
from providers.models import Membership, Provider

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_refused_when_debug_is_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_creates_the_demo_logins_once():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    assert set(User.objects.values_list("email", flat=True)) == {
        "operator@linke.test",
        "owner@alpha.test",
        "bd@alpha.test",
        "owner@beta.test",
        "merchant@demo.test",
    }
    operator = User.objects.get(email="operator@linke.test")
    assert operator.is_superuser and operator.check_password("linke-demo-2026")
    with all_providers():
        assert sorted(Provider.objects.values_list("name", flat=True)) == ["贝塔服务商", "阿尔法服务商"]
        assert Membership.objects.filter(provider__name="阿尔法服务商").count() == 2


@override_settings(DEBUG=True)
def test_demo_operator_can_open_the_admin(client):
    call_command("seed_demo")
    assert client.login(email="operator@linke.test", password="linke-demo-2026")
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "providers/provider/" in response.content.decode()
