import struct
import zlib

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from linke.models import User
from linke.tenancy import all_providers
from providers.choices import CooperationMode, Role
from providers.models import Invitation, Membership, Provider, ProviderApplication
from providers.permissions import Action, can
from providers.services.applications import application_reject, application_save_draft, application_submit
from providers.services.team import invitation_create
from providers.services.verification import verification_code_generate, verify_url
from reference.models import ServiceCity, Track

PASSWORD = "linke-demo-2026"  # noqa: S105 - published demo password, development only
INVITEE = "new.bd@alpha.test"  # a pending invitation of 阿尔法服务商 (its link is in the console email log)

USERS = [
    # email, display name, superuser
    ("operator@linke.test", "林客运营", True),
    ("owner@alpha.test", "阿尔法老板", False),
    ("admin@alpha.test", "阿尔法管理员", False),
    ("bd@alpha.test", "阿尔法商务小王", False),
    ("ops@alpha.test", "阿尔法运营小李", False),
    ("viewer@alpha.test", "阿尔法财务", False),
    ("owner@beta.test", "贝塔老板", False),
    ("merchant@demo.test", "演示商家", False),
    ("applicant@demo.test", "申请人陈先生", False),
    ("rejected@demo.test", "申请人林女士", False),
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


class Command(BaseCommand):
    help = "Create the demo logins of SPEC §10 (idempotent; development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password: refused while DEBUG is off.")
        with transaction.atomic(), all_providers():
            users = {}
            for email, display_name, superuser in USERS:
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={"display_name": display_name, "is_staff": superuser, "is_superuser": superuser},
                )
                if created:
                    user.set_password(PASSWORD)
                    user.save(update_fields=["password"])
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                users[email] = user
            for name, credit_code, members in PROVIDERS:
                provider, _ = Provider.objects.get_or_create(credit_code=credit_code, defaults={"name": name})
                for email, role in members:
                    Membership.objects.get_or_create(provider=provider, user=users[email], defaults={"role": role})
                seed_provider_profile(provider)
            seed_applications(users)
            alpha = Provider.objects.get(credit_code=PROVIDERS[0][1])
            if not Invitation.objects.filter(provider=alpha, email=INVITEE).exists():
                owner = Membership.objects.get(provider=alpha, role=Role.OWNER, is_active=True)
                invitation_create(provider=alpha, invited_by=owner, email=INVITEE, role=Role.BD)
            # A live 身份验真码 for the BD, so that /verify/ can be tried at once (valid 10 minutes).
            bd = Membership.objects.get(provider=alpha, user=users["bd@alpha.test"])
            demo_code = None
            if can(bd, Action.USE_VERIFICATION_CODE) and alpha.is_in_good_standing:
                demo_code = verification_code_generate(membership=bd)
        self.stdout.write(self.style.SUCCESS(f"demo data ready: {len(USERS)} logins, password {PASSWORD}"))
        for email, _, _ in USERS:
            self.stdout.write(f"  {email}")
        if demo_code:
            self.stdout.write(
                f"bd@alpha.test's verification code, valid 10 minutes: {demo_code.display_code} "
                f"({verify_url(demo_code.code)})"
            )


# --- Provider profiles and 入驻申请 (need the reference data: cities and tracks) -------------------
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
            applicant=applicant,
            data={
                **data,
                "service_cities": ServiceCity.objects.filter(name__in=cities),
                "tracks": Track.objects.filter(slug__in=tracks),
            },
            licence=ContentFile(demo_png(), name="licence.png"),
        )
        application_submit(application=application, actor=applicant)
        if rejection:
            application_reject(application=application, actor=operator, reason=rejection)
