from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from merchants.services.imports import PHASE_LABELS, LeadFileError, leads_import_file


class TqdmProgress:
    """One tqdm bar per phase (checking rows, writing leads), on stderr like every progress bar."""

    def __init__(self, *, disable: bool):
        self.disable = disable
        self.bars: dict[str, tqdm] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        bar = self.bars.get(phase)
        if bar is None:
            for other in self.bars.values():
                other.close()
            bar = self.bars[phase] = tqdm(desc=str(PHASE_LABELS[phase]), unit=_("rows"), disable=self.disable)
        bar.total = total
        bar.n = done
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = (
        "Import a lead file (CSV in UTF-8 or GB18030, or XLSX) into the lead pool, in one transaction. Rows "
        "already in the pool (same mobile and address) are left as they are; rejected rows are written to "
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
            outcome = leads_import_file(content, dry_run=dry_run, progress=progress)
        except LeadFileError as error:
            raise CommandError(f"{file}: {error.message}") from error
        finally:
            progress.close()

        report = file.with_name(file.name + ".rejected.csv")
        if outcome.report:
            # With a BOM, so that Excel (on a Chinese Windows too) opens it as UTF-8.
            report.write_text(outcome.report, encoding="utf-8-sig", newline="")
        elif report.exists():
            report.unlink()  # a report of an earlier run of this file would describe rows that are now fine

        created = _("would be created") if dry_run else _("created")
        self.stdout.write(
            _(
                "%(file)s (%(encoding)s): %(rows)d rows, %(valid)d valid, %(created)d %(created_label)s, "
                "%(unchanged)d already in the pool, %(rejected)d rejected."
            )
            % {
                "file": file.name,
                "encoding": outcome.encoding,
                "rows": outcome.total,
                "valid": outcome.valid,
                "created": outcome.created,
                "created_label": created,
                "unchanged": outcome.unchanged,
                "rejected": len(outcome.rejections),
            }
        )
        if outcome.report:
            self.stdout.write(_("Rejected rows and their reasons: %(report)s") % {"report": report})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
