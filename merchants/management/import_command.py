"""What the file-import commands share (`import_leads`, and the contracts app's `import_gmv`): read the file,
show a tqdm bar per phase, write the rejected rows beside the file, say what happened."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm


class TqdmProgress:
    """One tqdm bar per phase (e.g. checking rows, writing), on stderr like every progress bar."""

    def __init__(self, labels: dict, *, disable: bool):
        self.labels, self.disable = labels, disable
        self.bars: dict[str, tqdm] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        bar = self.bars.get(phase)
        if bar is None:
            for other in self.bars.values():
                other.close()
            bar = self.bars[phase] = tqdm(desc=str(self.labels[phase]), unit=_("rows"), disable=self.disable)
        bar.total = total
        bar.n = done
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class FileImportCommand(BaseCommand):
    """A command importing FILE in one transaction through `import_file(content, dry_run=, progress=)`, which
    raises `file_error` (with `.message`) for a file it cannot read at all and returns an outcome with a CSV
    `report` of the rejected rows; `summary(file, outcome, dry_run)` gives the lines of counts."""

    phase_labels: dict
    file_error: type[Exception]

    def import_file(self, content: bytes, *, dry_run: bool, progress):
        raise NotImplementedError

    def summary(self, file: Path, outcome, dry_run: bool) -> list[str]:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count, write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, cron).")

    def handle(self, *args, file: Path, dry_run: bool, no_progress: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}) from error
        progress = TqdmProgress(self.phase_labels, disable=no_progress)
        try:
            outcome = self.import_file(content, dry_run=dry_run, progress=progress)
        except self.file_error as error:
            raise CommandError(f"{file}: {error.message}") from error
        finally:
            progress.close()

        report = file.with_name(file.name + ".rejected.csv")
        if outcome.report:
            # With a BOM, so that Excel (on a Chinese Windows too) opens it as UTF-8.
            report.write_text(outcome.report, encoding="utf-8-sig", newline="")
        elif report.exists():
            report.unlink()  # a report of an earlier run of this file would describe rows that are now fine

        for line in self.summary(file, outcome, dry_run):
            self.stdout.write(line)
        if outcome.report:
            self.stdout.write(_("Rejected rows and their reasons: %(report)s") % {"report": report})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
