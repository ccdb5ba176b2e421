"""Demo data of the merchants app (see `linke.demo`): merchant@demo.test, its merchant profile and three
stores in two cities (福州市 and 北京市), made through the centre's services so that the merchant is also in
the lead pool, as a merchant who signed up would be; then its cooperation requests (`requests`), the lead
pool (`leads`) and an operators' lead import (`imports`). Idempotent: what exists is left as it is."""

from decimal import Decimal

from linke.actors import Actor
from reference.models import Category, Region, ServiceCity

from ..models import Merchant, Store
from ..services.centre import merchant_create, merchant_update, store_create
from ..tenancy import merchant_scope
from . import imports as demo_imports
from . import leads as demo_leads
from . import requests as demo_requests

PROFILE = {
    "name": "演示餐饮有限公司",
    "credit_code": "91350102MA2Y0K123M",
    "contact_name": "张明",
    "contact_mobile": "+8613905910001",
}
# (store name, city, district, address, sub-category slug, average ticket in CNY)
STORES = [
    ("老张火锅(五四路店)", "福州市", "鼓楼区", "鼓楼区五四路88号", "hotpot", "96.00"),
    ("老张火锅(宝龙店)", "福州市", "台江区", "台江区工业路193号宝龙城市广场3层", "hotpot", "108.00"),
    ("老张烧烤(望京店)", "北京市", "朝阳区", "朝阳区望京街9号望京SOHO T1 2层", "bbq", "128.00"),
]


def seed(demo) -> None:
    owner = demo.user("merchant@demo.test", "演示商家")
    merchant = Merchant.objects.filter(owner=owner).first()
    if merchant is None:
        merchant = merchant_create(actor=Actor.for_user(owner), user=owner, data={"name": PROFILE["name"]})
    actor = Actor.for_merchant(merchant, user=owner)
    missing = {name: value for name, value in PROFILE.items() if not getattr(merchant, name)}
    if missing:
        merchant = merchant_update(actor=actor, merchant=merchant, data=missing)
    with merchant_scope(merchant):
        existing = set(Store.objects.values_list("name", flat=True))
    for name, city_name, district_name, address, category_slug, average_ticket in STORES:
        if name in existing:
            continue
        city = ServiceCity.objects.filter(name=city_name).first()
        category = Category.objects.filter(slug=category_slug).first()
        if city is None or category is None:
            demo.notes.append(f"demo store {name} skipped: run manage.py load_reference_data first")
            continue
        store_create(
            actor=actor,
            merchant=merchant,
            data={
                "name": name,
                "city": city,
                "district": Region.objects.filter(parent_id=city.region_id, name=district_name).first(),
                "address": address,
                "category": category,
                "average_ticket": Decimal(average_ticket),
            },
        )
    demo_requests.seed(demo)
    demo_leads.seed(demo)
    demo_imports.seed(demo)
