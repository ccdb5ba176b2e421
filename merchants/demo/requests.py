"""Demo cooperation requests (called by the merchants app's demo after its stores exist): merchant@demo.test
asks 阿尔法服务商 in every state — open and unread, open and read, declined with a reason, withdrawn — all
through the services, so the audit trail, events and notifications are as real ones would be. Idempotent:
nothing is added once the merchant has any request to that provider."""

from linke.actors import Actor
from providers.choices import Role
from providers.models import Membership, Provider

from ..models import CooperationRequest, Merchant, Store
from ..services.requests import request_decline, request_mark_read, request_send, request_withdraw

PROVIDER = "阿尔法服务商"
MESSAGES = {
    "unread": "五四路店想做抖音团购和短视频，预算每月5000元左右，希望下个月开始。",
    "read": "宝龙店新开业，想做开业直播，周末人流大，请联系张经理。",
    "declined": "望京店想找代运营，整体托管抖音账号。",
    "withdrawn": "望京店想试试短视频拍摄。",
}
DECLINE_REASON = "我们暂未在北京开展代运营服务，建议联系北京本地的服务商。"


def seed(demo) -> None:
    owner = demo.users.get("merchant@demo.test")
    merchant = Merchant.objects.filter(owner=owner).first() if owner else None
    provider = Provider.objects.filter(name=PROVIDER).first()
    if merchant is None or provider is None or not provider.cooperation_modes:
        demo.notes.append("demo cooperation requests skipped: the demo merchant or 阿尔法服务商 is missing")
        return
    if CooperationRequest.objects.filter(merchant=merchant, provider=provider).exists():
        return
    stores = list(Store.objects.filter(merchant=merchant).order_by("pk"))
    if len(stores) < 3:
        demo.notes.append("demo cooperation requests skipped: the demo merchant has fewer than three stores")
        return
    actor = Actor.for_merchant(merchant, user=owner)
    members = Membership.objects.active().filter(provider=provider).order_by("pk")
    bd = Actor.member(members.filter(role=Role.BD).first() or members.get(role=Role.OWNER))
    mode = provider.cooperation_modes[0]

    def send(store, key):
        return request_send(actor=actor, provider=provider, stores=[store], mode=mode, message=MESSAGES[key])

    declined = send(stores[2], "declined")
    request_decline(actor=bd, request=declined, reason=DECLINE_REASON)
    request_withdraw(actor=actor, request=send(stores[2], "withdrawn"))
    request_mark_read(actor=bd, request=send(stores[1], "read"))
    send(stores[0], "unread")
