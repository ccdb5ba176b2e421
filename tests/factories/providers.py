import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from linke.validators import credit_code_check_character
from providers.choices import AccessMode, CooperationMode, Role, ServiceArea, ServiceLevel
from providers.demo import demo_png
from providers.models import (
    CaseStudy,
    Invitation,
    Membership,
    Provider,
    ProviderApplication,
    ProviderStanding,
    ServicePackage,
)

from .linke import UserFactory

# Valid GB 32100-2015 codes (check character verified), so later validators accept them.
CREDIT_CODES = ["91350100M000100Y43", "91110000600037341L", "9144030071526726XG", "91310000775785552L"]


def valid_credit_code(n: int) -> str:
    first17 = f"91350100{n:09d}"
    return first17 + credit_code_check_character(first17)


class ProviderStandingFactory(factory.django.DjangoModelFactory):
    """L1 with its benefits, as a newly approved provider starts."""

    class Meta:
        model = ProviderStanding
        django_get_or_create = ["provider"]


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"服务商{n}号")
    credit_code = factory.Sequence(lambda n: valid_credit_code(n))
    standing = factory.RelatedFactory(ProviderStandingFactory, factory_related_name="provider")


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


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation whose raw token nobody knows (use `invitation_create` to get one)."""

    class Meta:
        model = Invitation

    provider = factory.SubFactory(ProviderFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.BD
    token_hash = factory.LazyFunction(lambda: hashlib.sha256(secrets.token_bytes(32)).hexdigest())
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ProviderApplicationFactory(factory.django.DjangoModelFactory):
    """An application with every field filled in (a PNG licence included); pass `service_cities`
    and `tracks` to make it complete enough to submit."""

    class Meta:
        model = ProviderApplication
        skip_postgeneration_save = True

    applicant = factory.SubFactory(UserFactory)
    legal_name = factory.Sequence(lambda n: f"申请公司{n}有限公司")
    credit_code = factory.Sequence(lambda n: valid_credit_code(500000 + n))
    legal_representative = "陈林"
    licence = factory.django.FileField(filename="licence.png", data=demo_png(8, 8))
    contact_name = "王小明"
    contact_mobile = "+8613912345678"
    introduction = "专注餐饮赛道的短视频服务商。"
    cooperation_modes = factory.LazyFunction(lambda: [CooperationMode.SPECIALIZED])
    access_mode = AccessMode.NATIVE

    @factory.post_generation
    def service_cities(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_cities.set(extracted)

    @factory.post_generation
    def tracks(self, create, extracted, **kwargs):
        if create and extracted:
            self.tracks.set(extracted)
