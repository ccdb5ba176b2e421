"""Demo data of the providers app: 阿尔法服务商 with a member in every role, 贝塔服务商, their directory
profiles (with case studies and service packages), an application awaiting review and a rejected one, a
pending invitation, a live 身份验真码 for the BD with one check of it, and an impersonation report in the
operators' queue (see `linke.demo`)."""

import struct
import zlib
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from linke.actors import Actor
from reference.models import ServiceCity, Track

from .choices import CooperationMode, Role, ServiceArea, ServiceLevel, Tier
from .models import (
    CaseStudy,
    ImpersonationReport,
    Invitation,
    Membership,
    Provider,
    ProviderApplication,
    ServicePackage,
    VerificationEvent,
)
from .permissions import Action, can
from .services.applications import application_reject, application_save_draft, application_submit
from .services.directory import listing_refresh
from .services.profile import case_study_save, service_package_save
from .services.standing import standing_create, standing_set_tier
from .services.team import invitation_create
from .services.verification import (
    impersonation_report_create,
    verification_code_generate,
    verification_lookup,
    verify_url,
)

INVITEE = "new.bd@alpha.test"  # a pending invitation of 阿尔法服务商 (its link is in the console email log)

PEOPLE = [
    ("owner@alpha.test", "阿尔法老板"),
    ("admin@alpha.test", "阿尔法管理员"),
    ("bd@alpha.test", "阿尔法商务小王"),
    ("ops@alpha.test", "阿尔法运营小李"),
    ("viewer@alpha.test", "阿尔法财务"),
    ("owner@beta.test", "贝塔老板"),
    ("applicant@demo.test", "申请人陈先生"),
    ("rejected@demo.test", "申请人林女士"),
]
PROVIDERS = [
    # name, credit code (valid GB 32100-2015 check character), members
    (
        "阿尔法服务商",
        "91350100M000100Y43",
        [
            ("owner@alpha.test", Role.OWNER),
            ("admin@alpha.test", Role.ADMIN),
            ("bd@alpha.test", Role.BD),
            ("ops@alpha.test", Role.OPERATOR),
            ("viewer@alpha.test", Role.VIEWER),
        ],
    ),
    ("贝塔服务商", "91110000600037341L", [("owner@beta.test", Role.OWNER)]),
]
PROFILES = {
    # credit code: introduction, service cities, tracks, cooperation modes
    "91350100M000100Y43": (
        "扎根福建的本地生活服务商：餐饮、丽人门店的团购上架、探店短视频和直播代运营。",
        ["福州市", "厦门市", "泉州市"],
        ["dining", "beauty"],
        [CooperationMode.SPECIALIZED, CooperationMode.FULL_OPERATION],
    ),
    "91110000600037341L": (
        "北京、天津的休闲娱乐与亲子门店服务商，擅长短视频种草和节假日活动策划。",
        ["北京市", "天津市"],
        ["leisure", "family"],
        [CooperationMode.SPECIALIZED],
    ),
}
APPLICATIONS = [
    # applicant, data, reason for rejecting it (None: left submitted for the operators to review)
    (
        "applicant@demo.test",
        {
            "legal_name": "深圳鹏城数字营销有限公司",
            "credit_code": "9144030071526726XG",
            "legal_representative": "陈鹏",
            "contact_name": "陈先生",
            "contact_mobile": "13812345678",
            "introduction": "深圳本地餐饮与休闲娱乐商家的短视频与直播服务团队，30 人，服务过 200 家门店。",
            "cooperation_modes": [CooperationMode.SPECIALIZED],
            "access_mode": "both",
        },
        ["深圳市", "广州市"],
        ["dining", "leisure"],
        None,
    ),
    (
        "rejected@demo.test",
        {
            "legal_name": "上海浦江文化传媒有限公司",
            "credit_code": "91310000775785552L",
            "legal_representative": "林浦",
            "contact_name": "林女士",
            "contact_mobile": "13912345678",
            "introduction": "上海丽人门店的代运营团队。",
            "cooperation_modes": [CooperationMode.FULL_OPERATION],
            "access_mode": "native",
        },
        ["上海市"],
        ["beauty"],
        "营业执照图片模糊，无法核对统一社会信用代码。请上传清晰的扫描件后重新申请。",
    ),
]


def seed(demo) -> None:
    for email, display_name in PEOPLE:
        demo.user(email, display_name)
    for name, credit_code, members in PROVIDERS:
        provider, _ = Provider.objects.get_or_create(credit_code=credit_code, defaults={"name": name})
        for email, role in members:
            Membership.objects.get_or_create(provider=provider, user=demo.users[email], defaults={"role": role})
        seed_provider_profile(provider)
    seed_applications(demo.users)
    alpha = Provider.objects.get(credit_code=PROVIDERS[0][1])
    if not Invitation.objects.filter(provider=alpha, email=INVITEE).exists():
        owner = Membership.objects.active().get(provider=alpha, role=Role.OWNER)
        invitation_create(actor=Actor.member(owner), provider=alpha, email=INVITEE, role=Role.BD)
    # A live 身份验真码 for the BD, so that /verify/ can be tried at once (valid 10 minutes).
    bd = Membership.objects.get(provider=alpha, user=demo.users["bd@alpha.test"])
    if can(bd, Action.USE_VERIFICATION_CODE) and alpha.is_in_good_standing:
        code = verification_code_generate(actor=Actor.member(bd))
        demo.notes.append(
            f"bd@alpha.test's verification code, valid 10 minutes: {code.display_code} ({verify_url(code.code)})"
        )
        if not VerificationEvent.objects.filter(provider=alpha).exists():  # a merchant checked it once
            verification_lookup(raw_code=code.code, ip="203.0.113.8", user_agent="演示：商家的手机浏览器")
    seed_offer(alpha)
    seed_standing(demo)
    if not ImpersonationReport.objects.exists():
        occurred_at = timezone.now() - timedelta(hours=3)
        impersonation_report_create(
            actor=Actor.for_user(None), raw_code="XXXXX-23456", data=REPORT | {"occurred_at": occurred_at}
        )


CASE_STUDIES = [
    # title, merchant, track, what was done
    (
        "老码头火锅：直播带货三个月",
        "老码头火锅（五一广场店）",
        "dining",
        "每周三场门店直播，团购券核销率提升到 62%，三个月 GMV 提升 180%。",
    ),
    (
        "丽人门店探店短视频",
        "美丽说美甲工作室",
        "beauty",
        "20 条探店短视频，单条最高播放 48 万，新客占比从 30% 提升到 55%。",
    ),
]
PACKAGES = [
    # name, area, level, price in CNY
    ("门店团购上架与优化", ServiceArea.STORE_OPS, ServiceLevel.BASIC, "1999.00"),
    ("探店短视频 10 条", ServiceArea.SHORT_VIDEO, ServiceLevel.VALUE_ADDED, "6800.00"),
    ("直播代播（每月 8 场）", ServiceArea.LIVESTREAM, ServiceLevel.CREATIVE, "12000.00"),
]
REPORT = {
    "claimed_provider": "阿尔法服务商",
    "claimed_person": "自称小王的业务员",
    "location": "福州市鼓楼区东街口某奶茶店",
    "details": "来人出示的验真码查不到，还要求先交 2000 元上线费。",
}


def seed_offer(provider: Provider) -> None:
    """Case studies and service packages of a demo provider, made by its owner through the services."""
    if (
        CaseStudy.objects.filter(provider=provider).exists()
        or ServicePackage.objects.filter(provider=provider).exists()
    ):
        return
    owner = Actor.member(Membership.objects.active().get(provider=provider, role=Role.OWNER))
    tracks = {track.slug: track for track in Track.objects.all()}
    for position, (title, merchant_name, track, summary) in enumerate(CASE_STUDIES):
        data = {"title": title, "merchant_name": merchant_name, "track": tracks.get(track), "summary": summary}
        case_study_save(actor=owner, provider=provider, data=data | {"position": position})
    for name, area, level, price in PACKAGES:
        data = {"name": name, "area": area, "level": level, "price": Decimal(price), "description": ""}
        service_package_save(actor=owner, provider=provider, data=data)


TIERS = {"91350100M000100Y43": Tier.L3, "91110000600037341L": Tier.L1}  # 阿尔法服务商 L3, 贝塔服务商 L1


def seed_standing(demo) -> None:
    """The demo providers' tiers (SPEC §10), set by the demo operator through the service as operators do
    in the admin; then their directory listings (the profiles above were written directly)."""
    operator = Actor.operator(demo.users["operator@linke.test"])
    providers = list(Provider.objects.filter(credit_code__in=TIERS))
    for provider in providers:
        tier = TIERS[provider.credit_code]
        if standing_create(provider=provider).tier != tier:
            standing_set_tier(actor=operator, provider=provider, tier=tier, reason="演示数据：运营设定的服务能力等级。")
    listing_refresh([provider.pk for provider in providers])


def demo_png(width=96, height=64) -> bytes:
    """A small valid PNG (a grey rectangle) standing in for a scanned business licence."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + b"\xd0\xd8\xd6" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def seed_provider_profile(provider: Provider) -> None:
    """Give a demo provider its directory profile, unless it has one already."""
    if provider.introduction or provider.credit_code not in PROFILES:
        return
    introduction, cities, tracks, modes = PROFILES[provider.credit_code]
    provider.introduction, provider.cooperation_modes = introduction, modes
    provider.save(update_fields=["introduction", "cooperation_modes"])
    provider.service_cities.set(ServiceCity.objects.filter(name__in=cities))
    provider.tracks.set(Track.objects.filter(slug__in=tracks))


def seed_applications(users: dict) -> None:
    """A submitted application waiting for review and a rejected one, made through the services
    (so they have their audit trail and notifications). Once per applicant; only once the reference
    data (cities, tracks) is loaded, as `make run` does first: a submission needs both."""
    if not (ServiceCity.objects.exists() and Track.objects.exists()):
        return
    operator = users["operator@linke.test"]
    for email, data, cities, tracks, rejection in APPLICATIONS:
        applicant = users[email]
        if ProviderApplication.objects.filter(applicant=applicant).exists():
            continue
        application = application_save_draft(
            actor=Actor.for_user(applicant),
            data={
                **data,
                "service_cities": ServiceCity.objects.filter(name__in=cities),
                "tracks": Track.objects.filter(slug__in=tracks),
            },
            licence=ContentFile(demo_png(), name="licence.png"),
        )
        application_submit(actor=Actor.for_user(applicant), application=application)
        if rejection:
            application_reject(actor=Actor.operator(operator), application=application, reason=rejection)
