"""Demo data of the lead pool (called from `merchants.demo.seed`): 30 leads in 福州市 and 北京市 of the 餐饮 and
丽人 tracks; bd@alpha.test (阿尔法服务商) holds several with the countdown running, one ran out and was released
(阿尔法 is blocked from it for 30 days), one is disputed by 贝塔服务商, and the demo merchant's check of the
BD's 身份验真码 is a verified visit. Made through the services; idempotent (leads by their natural key, the
claims once)."""

from datetime import timedelta

from django.utils import timezone

from linke.actors import Actor
from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import Membership, Provider, VerificationEvent
from reference.models import ServiceCity, Track

from ..models import Lead, LeadClaim, Merchant
from ..rules import address_key
from ..selectors.leads import pool_leads
from ..services.leads import lead_claim, lead_dispute_open, leads_release_expired, visit_record

ALPHA, BETA = "91350100M000100Y43", "91110000600037341L"
SHOPS = [
    "蜀大侠火锅",
    "老码头烧烤",
    "阿香米线",
    "小龙坎火锅",
    "海底捞",
    "木屋烧烤",
    "丽丽美甲",
    "花漾美睫",
    "半亩花田SPA",
    "悦容美容",
]
STREETS = {
    "福州市": ["鼓楼区五四路", "台江区工业路", "仓山区浦上大道"],
    "北京市": ["朝阳区望京街", "海淀区中关村大街", "东城区王府井大街"],
}
CLAIMED = 6  # of the 福州 leads, claimed by bd@alpha.test


def seed(demo) -> None:
    cities = {city.name: city for city in ServiceCity.objects.filter(name__in=list(STREETS))}
    tracks = Track.objects.filter(slug__in=["dining", "beauty"]).prefetch_related("categories")
    categories = [category for track in tracks for category in track.categories.all()]
    if len(cities) < 2 or not categories:
        demo.notes.append("demo leads skipped: run manage.py load_reference_data first")
        return
    leads = [_lead(n, cities, categories) for n in range(30)]
    alpha, beta = Provider.objects.filter(credit_code=ALPHA).first(), Provider.objects.filter(credit_code=BETA).first()
    if alpha is None or beta is None:
        return
    with all_providers():
        if LeadClaim.objects.filter(provider=alpha).exists():
            return
        bd = Membership.objects.get(provider=alpha, user=demo.users["bd@alpha.test"])
        beta_owner = Membership.objects.get(provider=beta, role=Role.OWNER)
    fuzhou = [lead for lead in leads if lead.city_id == cities["福州市"].pk]
    claims = [lead_claim(actor=Actor.member(bd), lead=lead) for lead in fuzhou[:CLAIMED]]
    # One claim ran out ten days ago and was released: 阿尔法 may not claim that lead again for 20 more days.
    now = timezone.now()
    with all_providers():
        LeadClaim.objects.filter(pk=claims[0].pk).update(
            claimed_at=now - timedelta(days=55), expires_at=now - timedelta(days=10)
        )
    leads_release_expired(lead_ids=[claims[0].lead_id])
    # 贝塔服务商 serves 福州 dining too in the demo, so that it sees (and disputes) one of 阿尔法's claims.
    beta.service_cities.add(cities["福州市"])
    beta.tracks.add(*tracks)
    lead_dispute_open(
        actor=Actor.member(beta_owner), claim=claims[1], reason="我们上周已到店拜访并报价，商家可以作证，请核实。"
    )
    _visit(demo, alpha, bd)


def _lead(n: int, cities: dict, categories: list) -> Lead:
    city_name = "福州市" if n % 3 else "北京市"
    address = f"{STREETS[city_name][n % 3]}{100 + n}号"
    lead, _ = Lead.objects.get_or_create(
        mobile=f"+861370591{n:04d}",
        address_key=address_key(address),
        defaults={
            "merchant_name": f"{SHOPS[n % len(SHOPS)]}({address[:3]}{n}号店)",
            "contact_name": "王店长",
            "city": cities[city_name],
            "address": address,
            "category": categories[n % len(categories)],
            "store_count": 1 + n % 4,
        },
    )
    return lead


def _visit(demo, alpha, bd) -> None:
    """阿尔法 holds the demo merchant's own lead (its status page names the holder), and the merchant checked
    bd@alpha.test's code: a verified visit, which extended that claim by 15 days (the subscriber's work, done
    here because the demo runs without a worker)."""
    merchant = Merchant.objects.filter(owner__email="merchant@demo.test").first()
    if merchant is None:
        return
    own_lead = pool_leads(alpha).filter(merchant=merchant).first()
    if own_lead is not None:
        lead_claim(actor=Actor.member(bd), lead=own_lead)
    with all_providers():
        verification = VerificationEvent.objects.filter(provider=alpha, membership=bd).first()
    if verification is not None:
        visit_record(verification_event=verification, merchant=merchant)
