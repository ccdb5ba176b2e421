"""Demo data of the lead import: one file the operators imported (five leads in 福州市, one row rejected), so
the admin shows an import with its counts and its report of rejected rows. Made once, through the services."""

from django.core.files.uploadedfile import SimpleUploadedFile

from linke.actors import Actor

from ..models import LeadImport
from ..services.imports import lead_import_preview, lead_import_start

FILE = """商家名称,联系人,手机号,城市,区县,地址,品类,门店数
闽江人家小馆,陈立,13905910101,福州市,鼓楼区,鼓楼区东街口88号,火锅,2
三坊七巷茶餐厅,林娟,13905910102,福州,鼓楼区,鼓楼区南后街12号,火锅,1
烟台山烤肉,黄强,13905910103,福州市,仓山区,仓山区乐群路5号,烧烤,1
上下杭美甲工作室,郑敏,13905910104,福州市,台江区,台江区上杭路66号,美甲美睫,1
达明路火锅,吴刚,12345,福州市,鼓楼区,鼓楼区达明路9号,火锅,1
"""


def seed(demo) -> None:
    if LeadImport.objects.exists():
        return
    operator = demo.user("operator@linke.test", "平台运营", operator=True)
    actor = Actor.operator(operator)
    upload = SimpleUploadedFile("演示线索.csv", FILE.encode("gb18030"), content_type="text/csv")
    lead_import_start(actor=actor, lead_import=lead_import_preview(actor=actor, upload=upload))
