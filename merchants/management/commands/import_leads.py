from django.utils.translation import gettext as _

from merchants.management.import_command import FileImportCommand
from merchants.services.imports import PHASE_LABELS, LeadFileError, leads_import_file


class Command(FileImportCommand):
    help = (
        "Import a lead file (CSV in UTF-8 or GB18030, or XLSX) into the lead pool, in one transaction. Rows "
        "already in the pool (same mobile and address) are left as they are; rejected rows are written to "
        "FILE.rejected.csv with their reasons."
    )

    phase_labels = PHASE_LABELS
    file_error = LeadFileError

    def import_file(self, content, *, dry_run, progress):
        return leads_import_file(content, dry_run=dry_run, progress=progress)

    def summary(self, file, outcome, dry_run):
        created = _("would be created") if dry_run else _("created")
        return [
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
        ]
