from django.utils.translation import gettext as _

from contracts.services.money import PHASE_LABELS, GmvFileError, gmv_import_file
from merchants.management.import_command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import GMV records (platform data, any store) from a CSV file in UTF-8 or GB18030, in one transaction. "
        "Headers: 订单号/order_no, 门店ID/store_id, 金额/amount, 下单时间/ordered_at (China time unless it has an "
        "offset), 类型/kind (订单/order, 退款/refund), 原订单号/refund_of. Each order is attributed to the "
        "full-operation contract covering its store that day, or left unattributed. Order numbers already "
        "recorded are left as they are (a re-import changes nothing); rejected rows are written to "
        "FILE.rejected.csv with their reasons."
    )

    phase_labels = PHASE_LABELS
    file_error = GmvFileError

    def import_file(self, content, *, dry_run, progress):
        return gmv_import_file(content, dry_run=dry_run, progress=progress)

    def summary(self, file, outcome, dry_run):
        lines = [
            _(
                "%(file)s (%(encoding)s): %(rows)d rows, %(valid)d valid: %(created)d %(created_label)s "
                "(%(unattributed)d unattributed), %(unchanged)d already recorded; %(rejected)d rejected."
            )
            % {
                "file": file.name,
                "encoding": outcome.encoding,
                "rows": outcome.total,
                "valid": outcome.valid,
                "created": outcome.created,
                "created_label": _("would be created") if dry_run else _("created"),
                "unattributed": outcome.unattributed,
                "unchanged": outcome.unchanged,
                "rejected": len(outcome.rejections),
            }
        ]
        return lines + [f"  {code}: {count}" for code, count in outcome.reasons.most_common()]
