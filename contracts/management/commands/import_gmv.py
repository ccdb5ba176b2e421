from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from contracts.services.money import PHASE_LABELS, GmvFileError, gmv_import_file


class TqdmProgress:
    """One tqdm bar per phase (checking rows, writing records), on stderr like every progress bar."""

    def __init__(self, *, disable: bool):
        self.disable = disable
        self.bars: dict[str, tqdm] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        bar = self.bars.get(phase)
        if bar is None:
            for other in self.bars.values():
                other.close()
            bar = self.bars[phase] = tqdm(desc=str(PHASE_LABELS[phase]), total=total, disable=self.disable)
        bar.total = total
        bar.n = done
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = (
        "Import GMV records (platform data, any store) from a CSV file in UTF-8 or GB18030, in one transaction. "
        "Headers: 订单号/order_no, 门店ID/store_id, 金额/amount, 下单时间/ordered_at (China time unless it has an "
        "offset), 类型/kind (订单/order, 退款/refund), 原订单号/refund_of. Each order is attributed to the "
        "full-operation contract covering its store that day, or left unattributed. Order numbers already "
        "recorded are left as they are (a re-import changes nothing); rejected rows are written to "
        "FILE.rejected.csv with their reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count, write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, cron).")

    def handle(self, *args, file: Path, dry_run: bool, no_progress: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}) from error
        progress = TqdmProgress(disable=no_progress)
        try:
            outcome = gmv_import_file(content, dry_run=dry_run, progress=progress)
        except GmvFileError as error:
            raise CommandError(f"{file}: {error.message}") from error
        finally:
            progress.close()

        report = file.with_name(file.name + ".rejected.csv")
        if outcome.report:
            # With a BOM, so that Excel (on a Chinese Windows too) opens it as UTF-8.
            report.write_text(outcome.report, encoding="utf-8-sig", newline="")
        elif report.exists():
            report.unlink()  # a report of an earlier run of this file would describe rows that are now fine

        self.stdout.write(
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
        )
        for code, count in outcome.reasons.most_common():
            self.stdout.write(f"  {code}: {count}")
        if outcome.report:
            self.stdout.write(_("Rejected rows and their reasons: %(report)s") % {"report": report})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
