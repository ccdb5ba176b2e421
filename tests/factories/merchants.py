import factory
from django.utils import timezone

from merchants.models import Lead, Merchant, Store
from merchants.tenancy import merchant_scope

from .linke import UserFactory


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"商家{n}号餐饮有限公司")
    owner = factory.SubFactory(UserFactory)
    contact_name = "张三"
    contact_mobile = factory.Sequence(lambda n: f"+86138{n:08d}")


class StoreFactory(factory.django.DjangoModelFactory):
    """Needs `city` and `category` (reference rows: see the `cities` and `categories` fixtures)."""

    class Meta:
        model = Store

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"老张火锅({n}号店)")
    address = factory.Sequence(lambda n: f"鼓楼区五四路{n}号")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with merchant_scope(kwargs["merchant"]):
            return super()._create(model_class, *args, **kwargs)


class LeadFactory(factory.django.DjangoModelFactory):
    """Needs `city` and `category`."""

    class Meta:
        model = Lead

    merchant_name = factory.Sequence(lambda n: f"线索商家{n}号火锅店")
    contact_name = "李四"
    mobile = factory.Sequence(lambda n: f"+86139{n:08d}")
    address = factory.Sequence(lambda n: f"台江区工业路{n}号")
    address_key = factory.LazyAttribute(lambda lead: lead.address)
    created_at = factory.LazyFunction(timezone.now)
