from decimal import Decimal

import factory

from linke.validators import credit_code_check_character
from providers.choices import Role, ServiceArea, ServiceLevel
from providers.models import CaseStudy, Membership, Provider, ServicePackage

from .linke import UserFactory

# Valid GB 32100-2015 codes (check character verified), so later validators accept them.
CREDIT_CODES = ["91350100M000100Y43", "91110000600037341L", "9144030071526726XG", "91310000775785552L"]


def valid_credit_code(n: int) -> str:
    first17 = f"91350100{n:09d}"
    return first17 + credit_code_check_character(first17)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"服务商{n}号")
    credit_code = factory.Sequence(lambda n: valid_credit_code(n))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    provider = factory.SubFactory(ProviderFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.BD


class ServicePackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePackage

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"短视频代拍套餐{n}")
    area = ServiceArea.SHORT_VIDEO
    level = ServiceLevel.BASIC
    price = Decimal("2999.00")


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"火锅店直播案例{n}")
    merchant_name = "老码头火锅"
    summary = "三个月直播 GMV 提升 180%。"
