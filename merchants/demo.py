"""Demo data of the merchants app (see `linke.demo`): merchant@demo.test and its merchant."""

from .models import Merchant


def seed(demo) -> None:
    owner = demo.user("merchant@demo.test", "演示商家")
    Merchant.objects.get_or_create(owner=owner, defaults={"name": "演示餐饮有限公司"})
