"""Importing lead files (拓客资源) into the lead pool: `manage.py import_leads` and the admin import page.

The natural key of a lead is its normalised mobile (E.164) plus its normalised store address
(`merchants.rules.address_key`), the database's `lead_natural_key`. A mobile alone would merge the stores
of a chain (one owner, one phone, several shops, each a lead of its own for the providers of its city);
an address alone would merge a new tenant of the same shop with the one who left. Both together make a
re-import of the same file change nothing: rows whose key is already in the pool are counted as
"already in the pool" and left as they are (the pool's copy may be claimed or opted out by then).

A file is read and checked row by row first, outside any transaction (the reference data — service
cities, districts, sub-categories — is loaded once into dictionaries: a constant number of queries
whatever the number of rows). The valid rows are then written in **one transaction per file**: COPY
(psycopg 3) into a temporary table, then one `INSERT … SELECT … ON CONFLICT (mobile, address_key) DO
NOTHING`. Either every valid row of the file is in the pool or none is; a 300,000-row file is still one
transaction (it holds no lock other rows wait for: new rows only, and the unique index). A dry run (the
admin's preview) takes the same path and only counts what the INSERT would create.

CSV files may be UTF-8 (with or without the BOM Excel writes for "CSV UTF-8") or GB18030, what Excel on a
Chinese Windows saves as plain "CSV": `utf-8-sig` is tried first (GB18030 text is almost never valid
UTF-8), then `gb18030`. XLSX workbooks are read with openpyxl in read-only mode (the first sheet).
"""

import csv
import functools
import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import openpyxl
import phonenumbers
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import ApplicationError, PermissionDeniedError
from linke.locks import relock
from linke.text import join_names
from linke.validators import validate_mainland_mobile, validate_visible_name
from providers.transitions import assert_transition
from reference.models import Category, Region, RegionLevel, ServiceCity

from ..choices import ImportStatus, LeadImportAuditAction, LeadSource
from ..models import Lead, LeadImport
from ..rules import address_key

logger = logging.getLogger(__name__)

S = ImportStatus
# A previewed file is imported once; a failed import (a database outage, a time limit) may be started again.
IMPORT_TRANSITIONS: dict[str, set[str]] = {
    S.PREVIEWED: {S.RUNNING},
    S.RUNNING: {S.DONE, S.FAILED},
    S.FAILED: {S.RUNNING},
    S.DONE: set(),
}

PERMISSION = "merchants.add_lead"
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_STORES = 100_000
PREVIEW_ROWS = 20
COPY_CHUNK = 20_000  # progress is reported between COPY statements, never while one is open
PROGRESS_TIMEOUT = 7 * 24 * 3600

# The columns of a lead file: the Lead field each fills, and the headers accepted for it (compared by
# `_key`: case, spaces and punctuation do not matter). Unknown columns are ignored.
COLUMNS: dict[str, tuple[str, ...]] = {
    "merchant_name": ("商家名称", "商家", "商户名称", "商户", "merchant name", "merchant"),
    "contact_name": ("联系人", "联系人姓名", "contact name", "contact"),
    "mobile": ("手机号", "手机", "手机号码", "联系电话", "mobile", "mobile number", "phone"),
    "city": ("城市", "city"),
    "district": ("区县", "区", "县", "district"),
    "address": ("地址", "门店地址", "address", "store address"),
    "category": ("品类", "子品类", "sub-category", "subcategory", "category"),
    "store_count": ("门店数", "门店数量", "stores", "store count", "number of stores"),
}
REQUIRED = ["merchant_name", "mobile", "city", "address", "category"]


class Phase:
    CHECKING = "checking"
    WRITING = "writing"


PHASE_LABELS = {Phase.CHECKING: gettext_lazy("Checking rows"), Phase.WRITING: gettext_lazy("Writing leads")}

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in the phase)


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


class LeadFileError(ApplicationError):
    """The file as a whole cannot be imported (encoding, format, header row): nothing is read from it."""

    code = "lead_file_invalid"


@functools.lru_cache(maxsize=4096)  # a file repeats a few city, district and sub-category names
def _key(text: str) -> str:
    """A header or a name as it is compared: NFKC, lower case, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(c)[0] in "LN")


HEADER_FIELDS = {_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _column_label(name: str):
    return Lead._meta.get_field(name).verbose_name


# --- Reading ---------------------------------------------------------------------------------------


@dataclass
class LeadFile:
    encoding: str  # "UTF-8", "UTF-8 (BOM)", "GB18030" or "XLSX"
    headers: list[str]
    rows: Iterator[list[str]]  # the data rows, as text, in file order (row 2 onwards)
    estimated_rows: int


def _cell_text(value) -> str:
    """A spreadsheet cell as text: Excel keeps mobiles and store counts as numbers (13812345678.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(content: bytes) -> LeadFile:
    unreadable = _("The Excel workbook cannot be read. Open it in Excel and save it again as .xlsx.")
    # openpyxl reads the sheet lazily: a damaged part (broken XML inside the zip) fails at the first row
    # that needs it, with whatever error its parser raises. Any of them means the same to the operator.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header = next(cells, None)
    except Exception as error:
        raise LeadFileError(unreadable) from error

    def rows():
        try:
            for values in cells:
                yield [_cell_text(value) for value in values]
        except Exception as error:
            raise LeadFileError(unreadable) from error
        finally:
            workbook.close()

    return LeadFile("XLSX", [_cell_text(v) for v in header or []], rows(), max((sheet.max_row or 1) - 1, 0))


def _decode(content: bytes) -> tuple[str, str]:
    try:
        encoding = "UTF-8 (BOM)" if content.startswith(b"\xef\xbb\xbf") else "UTF-8"
        return content.decode("utf-8-sig"), encoding
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as error:
        raise LeadFileError(
            _(
                "The file is neither UTF-8 nor GB18030 text nor an Excel workbook. "
                "Save it from Excel as “CSV UTF-8”, as CSV, or as an Excel workbook (.xlsx)."
            )
        ) from error


def csv_text_decode(content: bytes) -> tuple[str, str]:
    """CSV bytes as text, decided by content as for lead files (UTF-8 with or without BOM, else GB18030), and
    the encoding found; raises `LeadFileError` when it is neither. Public for the other importers (the
    contracts app's `import_gmv`)."""
    return _decode(content)


def column_key(text: str) -> str:
    """A header as importers compare it (NFKC, lower case, letters and digits only). Public for the other
    importers."""
    return _key(text)


def _read_csv(content: bytes) -> LeadFile:
    text, encoding = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise LeadFileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error

    def rows():
        try:
            yield from reader
        except csv.Error as error:
            raise LeadFileError(
                _("The CSV file cannot be read at line %(line)d: %(error)s") % {"line": reader.line_num, "error": error}
            ) from error

    return LeadFile(encoding, [cell.strip() for cell in header], rows(), max(text.count("\n") - 1, 0))


def lead_file_read(content: bytes) -> LeadFile:
    """Open a lead file by its content (not its name): an XLSX workbook (a zip) or CSV text."""
    if not content.strip():
        raise LeadFileError(_("The file is empty."))
    if content.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE container of .xls (Excel 97–2003)
        raise LeadFileError(_("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV."))
    lead_file = _read_xlsx(content) if content.startswith(b"PK\x03\x04") else _read_csv(content)
    if not any(lead_file.headers):
        raise LeadFileError(_("The file has no header row."))
    return lead_file


def _header_columns(headers: list[str]) -> dict[str, int]:
    """Field name → column index; one file-level error for missing or repeated columns."""
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = HEADER_FIELDS.get(_key(header))
        if name is None:
            continue
        if name in columns:
            raise LeadFileError(
                _("The column “%(column)s” appears twice: “%(first)s” and “%(second)s”.")
                % {"column": _column_label(name), "first": headers[columns[name]], "second": header}
            )
        columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise LeadFileError(
            _(
                "Columns missing: %(columns)s. The header row needs merchant name, mobile, city, address and "
                "sub-category (商家名称, 手机号, 城市, 地址, 品类); contact name, district and stores "
                "(联系人, 区县, 门店数) are optional."
            )
            % {"columns": join_names(str(_column_label(name)) for name in missing)}
        )
    return columns


# --- Checking --------------------------------------------------------------------------------------

AMBIGUOUS = object()


def _add(index: dict, key: str, value) -> None:
    if key:
        index[key] = value if index.get(key, value) == value else AMBIGUOUS


@dataclass
class Reference:
    """The reference data a file is checked against, loaded once (three queries for any number of rows)."""

    cities: dict = field(default_factory=dict)  # _key(name) → (id, name)
    districts: dict = field(default_factory=dict)  # (city id, _key(name)) → (code, name)
    categories: dict = field(default_factory=dict)  # _key(name) → (id, name)
    names: dict = field(default_factory=dict)  # ("city" | "district" | "category", id) → name

    @classmethod
    def load(cls) -> "Reference":
        reference = cls()
        region_city = {}
        for pk, name, name_en, region in ServiceCity.objects.active().values_list("pk", "name", "name_en", "region"):
            region_city[region] = pk
            reference.names["city", pk] = name
            for variant in (name, name.removesuffix("市"), name_en):
                _add(reference.cities, _key(variant), (pk, name))
        counties = Region.objects.filter(level=RegionLevel.COUNTY, parent__service_city__is_active=True)
        for code, name, parent in counties.values_list("code", "name", "parent"):
            reference.names["district", code] = name
            short = name[:-1] if len(name) > 2 and name[-1] in "区县市旗" else name
            for variant in (name, short):
                _add(reference.districts, (region_city[parent], _key(variant)), (code, name))
        for pk, name, name_en, slug in Category.objects.filter(parent__isnull=False).values_list(
            "pk", "name", "name_en", "slug"
        ):
            reference.names["category", pk] = name
            for variant in (name, name_en, slug):
                _add(reference.categories, _key(variant), (pk, name))
        return reference


# One valid row, in the column order of the COPY below (row_number first).
COPY_COLUMNS = [
    "row_number",
    "merchant_name",
    "contact_name",
    "mobile",
    "city_id",
    "district_id",
    "address",
    "address_key",
    "category_id",
    "store_count",
]


@dataclass(frozen=True)
class Rejection:
    row: int  # as Excel numbers it: the header is row 1
    values: list[str]
    reason: str


@dataclass
class CheckedFile:
    encoding: str
    headers: list[str]
    total: int = 0
    reference: Reference = field(default_factory=Reference)
    rows: list[tuple] = field(default_factory=list)  # valid rows, COPY_COLUMNS
    rejections: list[Rejection] = field(default_factory=list)


def _visible(value: str, *, label, max_length: int, reasons: list[str]) -> None:
    if len(value) > max_length:
        reasons.append(_("The %(column)s is longer than %(max)d characters.") % {"column": label, "max": max_length})
    try:
        validate_visible_name(value)
    except ValidationError as error:
        reasons.append(f"{label}: {' '.join(error.messages)}")


# A mobile as people type it: 138 1234 5678, 138-1234-5678, +86 13812345678, 0086…
_MOBILE_SEPARATORS = re.compile(r"[\s\-()]")
_MOBILE_PLAIN = re.compile(r"(?:\+?86|0086)?(1\d{10})")


def _mobile(raw: str, reasons: list[str]) -> str:
    """The mobile in E.164. The slowest check of a row: the usual shapes skip `phonenumbers.parse` (which
    `phonenumbers` still judges, by its number ranges, in `validate_mainland_mobile`)."""
    if not raw:
        reasons.append(_("The mobile number is missing."))
        return ""
    plain = _MOBILE_PLAIN.fullmatch(_MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)))
    try:
        if plain:
            number = phonenumbers.PhoneNumber(country_code=86, national_number=int(plain[1]))
        else:
            number = phonenumbers.parse(raw, "CN")
        validate_mainland_mobile(number)
    except (phonenumbers.NumberParseException, ValidationError):
        reasons.append(_("“%(value)s” is not a mainland China mobile number.") % {"value": raw})
        return ""
    return f"+86{plain[1]}" if plain else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _lookup(index: dict, key, raw: str, reasons: list[str], *, unknown: str, ambiguous: str):
    """`index[key]`, or None with the reason (the messages are lazy: translated only for a rejected row)."""
    found = index.get(key)
    if found is None:
        reasons.append(str(unknown) % {"value": raw})
    elif found is AMBIGUOUS:
        reasons.append(str(ambiguous) % {"value": raw})
        return None
    return found


def _store_count(raw: str, reasons: list[str]) -> int:
    if not raw:
        return 1
    text = unicodedata.normalize("NFKC", raw).strip()
    text = text.removesuffix(".0")
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_STORES:
        return int(text)
    reasons.append(_("The number of stores “%(value)s” is not a whole number from 1 to 100,000.") % {"value": raw})
    return 0


def _check_row(values: dict[str, str], reference: Reference, reasons: list[str]):
    """The Lead values of one row (appending to `reasons` what is wrong with it)."""
    name = values["merchant_name"]
    if not name:
        reasons.append(_("The merchant name is missing."))
    else:
        _visible(name, label=_column_label("merchant_name"), max_length=100, reasons=reasons)
    contact = values["contact_name"]
    _visible(contact, label=_column_label("contact_name"), max_length=50, reasons=reasons)
    mobile = _mobile(values["mobile"], reasons)
    city = district = None
    if not values["city"]:
        reasons.append(_("The city is missing."))
    else:
        city = _lookup(
            reference.cities,
            _key(values["city"]),
            values["city"],
            reasons,
            unknown=gettext_lazy("“%(value)s” is not a service city."),
            ambiguous=gettext_lazy("“%(value)s” matches several service cities: use its Chinese name."),
        )
    if city and values["district"]:
        district = reference.districts.get((city[0], _key(values["district"])))
        if district in (None, AMBIGUOUS):
            reasons.append(
                _("“%(value)s” is not a district of %(city)s.") % {"value": values["district"], "city": city[1]}
            )
    address = values["address"]
    key = address_key(address)
    if not address:
        reasons.append(_("The address is missing."))
    else:
        _visible(address, label=_column_label("address"), max_length=200, reasons=reasons)
        if not key:
            reasons.append(_("The address has no letters or digits."))
    category = None
    if not values["category"]:
        reasons.append(_("The sub-category is missing."))
    else:
        category = _lookup(
            reference.categories,
            _key(values["category"]),
            values["category"],
            reasons,
            unknown=gettext_lazy("“%(value)s” is not a sub-category."),
            ambiguous=gettext_lazy("“%(value)s” matches several sub-categories: use its slug."),
        )
    stores = _store_count(values["store_count"], reasons)
    if reasons:
        return None
    return (name, contact, mobile, city[0], district[0] if district else None, address, key, category[0], stores)


def lead_file_check(content: bytes, *, progress: Progress = _no_progress) -> CheckedFile:
    """Read and check every row of a lead file (no writes). Raises `LeadFileError` for the file as a whole.
    A row repeating the natural key of an earlier row of the file is rejected as its duplicate."""
    lead_file = lead_file_read(content)
    columns = _header_columns(lead_file.headers)
    reference = Reference.load()
    checked = CheckedFile(encoding=lead_file.encoding, headers=lead_file.headers, reference=reference)
    seen: dict[tuple[str, str], int] = {}
    estimate = max(lead_file.estimated_rows, 1)
    for number, cells in enumerate(lead_file.rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (Excel leaves them at the end)
        checked.total += 1
        if checked.total % 1000 == 0:
            progress(Phase.CHECKING, checked.total, max(estimate, checked.total))
        values = {name: (cells[index].strip() if index < len(cells) else "") for name, index in columns.items()}
        values = {name: values.get(name, "") for name in COLUMNS}
        reasons: list[str] = []
        row = _check_row(values, reference, reasons)
        if row is not None:
            natural_key = (row[2], row[6])
            if natural_key in seen:
                reasons.append(_("Same mobile and address as row %(row)d.") % {"row": seen[natural_key]})
            else:
                seen[natural_key] = number
                checked.rows.append((number, *row))
        if reasons:
            checked.rejections.append(Rejection(number, cells, " ".join(reasons)))
    progress(Phase.CHECKING, checked.total, checked.total)
    return checked


# --- Writing ---------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    encoding: str
    total: int
    valid: int
    created: int  # in a dry run: would be created
    rejections: list[Rejection]
    report: str  # the rejected rows as CSV text (no BOM)
    sample: list[dict]  # the first rows that (would) be created

    @property
    def unchanged(self) -> int:
        return self.valid - self.created


def _write(checked: CheckedFile, *, lead_import_id: int | None, dry_run: bool, progress: Progress):
    """COPY the valid rows into a temporary table, then insert those not yet in the pool (or, in a dry run,
    count them). Call inside the file's transaction. Returns (created, row numbers of the first new rows)."""
    table = Lead._meta.db_table
    rows = checked.rows
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE lead_import_rows (row_number integer, merchant_name text, contact_name text, "
            "mobile text, city_id bigint, district_id text, address text, address_key text, category_id bigint, "
            "store_count integer) ON COMMIT DROP"
        )
        progress(Phase.WRITING, 0, len(rows))
        for start in range(0, len(rows), COPY_CHUNK):
            with cursor.cursor.copy(f"COPY lead_import_rows ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                for row in rows[start : start + COPY_CHUNK]:
                    copy.write_row(row)
            progress(Phase.WRITING, min(start + COPY_CHUNK, len(rows)), len(rows))
        cursor.execute("ANALYZE lead_import_rows")  # a temporary table has no statistics: the join needs some
        new_rows = (
            f"FROM lead_import_rows new WHERE NOT EXISTS (SELECT 1 FROM {table} lead "  # noqa: S608 - our names
            "WHERE lead.mobile = new.mobile AND lead.address_key = new.address_key)"
        )
        cursor.execute(f"SELECT row_number, count(*) OVER () {new_rows} ORDER BY row_number LIMIT %s", [PREVIEW_ROWS])
        found = cursor.fetchall()
        created, first = (found[0][1] if found else 0), [number for number, _count in found]
        if not dry_run:
            fields = COPY_COLUMNS[1:]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(fields)}, source, imported_in_id, created_at) "  # noqa: S608
                f"SELECT {', '.join(fields)}, %s, %s, %s FROM lead_import_rows ORDER BY row_number "
                "ON CONFLICT (mobile, address_key) DO NOTHING",
                [LeadSource.IMPORT, lead_import_id, timezone.now()],
            )
            created = cursor.rowcount  # a concurrent import may have taken a few keys since the count
        cursor.execute("DROP TABLE lead_import_rows")
    return created, first


def rejected_report(checked: CheckedFile) -> str:
    """The rejected rows as CSV text: row number, the row as it was in the file, the reason. The original
    columns are kept, so that the corrected report can be imported again as it is."""
    if not checked.rejections:
        return ""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), *checked.headers, _("Reason")])
    width = len(checked.headers)
    for rejection in checked.rejections:
        values = (list(rejection.values) + [""] * width)[:width]
        writer.writerow([rejection.row, *values, rejection.reason])
    return out.getvalue()


def _sample(checked: CheckedFile, numbers: list[int]) -> list[dict]:
    """The rows `numbers` as the preview shows them (names, not ids)."""
    wanted = set(numbers)
    names = checked.reference.names
    return [
        {
            "row": row[0],
            "merchant_name": row[1],
            "contact_name": row[2],
            "mobile": row[3],
            "city": names["city", row[4]],
            "district": names.get(("district", row[5]), ""),
            "address": row[6],
            "category": names["category", row[8]],
            "store_count": row[9],
        }
        for row in checked.rows
        if row[0] in wanted
    ]


def leads_import_file(
    content: bytes, *, dry_run: bool = False, lead_import_id: int | None = None, progress: Progress = _no_progress
) -> ImportOutcome:
    """Check a lead file and write its valid rows in one transaction (nothing in a dry run). Raises
    `LeadFileError` when the file as a whole cannot be imported. No audit record: the command's caller is
    on the server's console; the admin's import records its own (`lead_import_run`)."""
    checked = lead_file_check(content, progress=progress)
    with transaction.atomic():
        created, first = _write(checked, lead_import_id=lead_import_id, dry_run=dry_run, progress=progress)
        outcome = _outcome(checked, created, first)
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def _outcome(checked: CheckedFile, created: int, first: list[int]) -> ImportOutcome:
    return ImportOutcome(
        encoding=checked.encoding,
        total=checked.total,
        valid=len(checked.rows),
        created=created,
        rejections=checked.rejections,
        report=rejected_report(checked),
        sample=_sample(checked, first),
    )


# --- The admin's import: preview, start, run -------------------------------------------------------


def progress_key(lead_import_id: int) -> str:
    return f"lead-import:{lead_import_id}"


def sample_key(lead_import_id: int) -> str:
    return f"lead-import:{lead_import_id}:sample"


class CacheProgress:
    """Progress of a running import, in the cache: the import's transaction hides its rows from every other
    connection, so the status page reads this instead. Written when a phase moves by at least 1 %."""

    def __init__(self, lead_import_id: int):
        self.key = progress_key(lead_import_id)
        self.last: tuple[str, int] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if (phase, percent) != self.last:
            self.last = (phase, percent)
            cache.set(self.key, {"phase": phase, "done": done, "total": total}, PROGRESS_TIMEOUT)


def _require_operator(actor: Actor) -> None:
    if not (actor.is_operator and actor.user.has_perm(PERMISSION)):
        raise PermissionDeniedError(_("Only operators allowed to add leads may import lead files."))


def _counts(lead_import: LeadImport, outcome: ImportOutcome) -> list[str]:
    lead_import.total_rows = outcome.total
    lead_import.valid_rows = outcome.valid
    lead_import.created_count = outcome.created
    lead_import.unchanged_count = outcome.unchanged
    lead_import.rejected_count = len(outcome.rejections)
    lead_import.report = outcome.report
    return ["total_rows", "valid_rows", "created_count", "unchanged_count", "rejected_count", "report"]


def _summary(lead_import: LeadImport) -> dict:
    return {
        "rows": lead_import.total_rows,
        "valid": lead_import.valid_rows,
        "created": lead_import.created_count,
        "already_in_pool": lead_import.unchanged_count,
        "rejected": lead_import.rejected_count,
    }


def lead_import_preview(*, actor: Actor, upload) -> LeadImport:
    """Dry-run an uploaded lead file and keep it (private storage) with the counts it would give and its
    rejected rows report; how it was read and the first rows it would create go to the cache. Raises
    `LeadFileError` (and keeps nothing) when the file cannot be imported at all. Runs in the upload's
    request: about 5 s per 100,000 CSV rows on a quiet machine, much longer for XLSX."""
    _require_operator(actor)
    if upload.size > MAX_FILE_BYTES:
        raise LeadFileError(_("The file is larger than 100 MB. Split it into several files."))
    upload.seek(0)
    outcome = leads_import_file(upload.read(), dry_run=True)
    upload.seek(0)
    with transaction.atomic():
        lead_import = LeadImport(file=upload, original_name=upload.name[:200], uploaded_by=actor.user)
        _counts(lead_import, outcome)
        lead_import.save()
        audit_record(
            action=LeadImportAuditAction.PREVIEW,
            obj=lead_import,
            actor=actor,
            after={"encoding": outcome.encoding, **_summary(lead_import)},
        )
    cache.set(sample_key(lead_import.pk), {"encoding": outcome.encoding, "rows": outcome.sample}, PROGRESS_TIMEOUT)
    return lead_import


@transaction.atomic
def lead_import_start(*, actor: Actor, lead_import: LeadImport) -> LeadImport:
    """Queue the import of a previewed (or failed) file; it runs in a worker (`lead_import_run_task`)."""
    from ..tasks import lead_import_run_task

    _require_operator(actor)
    lead_import = relock(lead_import)
    assert_transition(lead_import.status, S.RUNNING, table=IMPORT_TRANSITIONS)
    before = lead_import.status
    lead_import.status = S.RUNNING
    lead_import.error = ""
    lead_import.save(update_fields=["status", "error"])
    audit_record(
        action=LeadImportAuditAction.START,
        obj=lead_import,
        actor=actor,
        before={"status": before},
        after={"status": S.RUNNING},
    )
    cache.delete(progress_key(lead_import.pk))
    transaction.on_commit(lambda: lead_import_run_task.delay(lead_import.pk))
    return lead_import


def lead_import_run(*, lead_import_id: int) -> LeadImport | None:
    """Import a started file: checked again (the pool may have changed since the preview), written in one
    transaction with the import's counts and audit record. A failure leaves no lead of the file behind and
    marks the import failed with the reason (it may be started again). A redelivered task finds the import
    no longer running and does nothing."""
    lead_import = LeadImport.objects.filter(pk=lead_import_id, status=S.RUNNING).first()
    if lead_import is None:
        return None
    progress = CacheProgress(lead_import.pk)
    try:
        with lead_import.file.open("rb") as stored:
            content = stored.read()
        checked = lead_file_check(content, progress=progress)
        with transaction.atomic():
            lead_import = relock(lead_import)
            if lead_import.status != S.RUNNING:
                return lead_import
            created, first = _write(checked, lead_import_id=lead_import.pk, dry_run=False, progress=progress)
            assert_transition(lead_import.status, S.DONE, table=IMPORT_TRANSITIONS)
            lead_import.status = S.DONE
            lead_import.finished_at = timezone.now()
            fields = _counts(lead_import, _outcome(checked, created, first))
            lead_import.save(update_fields=["status", "finished_at", *fields])
            audit_record(
                action=LeadImportAuditAction.FINISH,
                obj=lead_import,
                actor=Actor.system(),
                before={"status": S.RUNNING},
                after={"status": S.DONE, **_summary(lead_import)},
            )
    except Exception as error:  # noqa: BLE001 - any failure ends as a failed import the operator sees
        logger.exception("lead import %s failed", lead_import_id)
        message = (
            error.message
            if isinstance(error, ApplicationError)
            else _("Unexpected error: %(error)s") % {"error": f"{type(error).__name__}: {error}"[:500]}
        )
        return _lead_import_fail(lead_import, str(message))
    logger.info("lead import %s done: %s", lead_import.pk, _summary(lead_import))
    return lead_import


@transaction.atomic
def _lead_import_fail(lead_import: LeadImport, message: str) -> LeadImport:
    lead_import = relock(lead_import)
    assert_transition(lead_import.status, S.FAILED, table=IMPORT_TRANSITIONS)
    lead_import.status = S.FAILED
    lead_import.error = message
    lead_import.finished_at = timezone.now()
    lead_import.save(update_fields=["status", "error", "finished_at"])
    audit_record(
        action=LeadImportAuditAction.FAIL,
        obj=lead_import,
        actor=Actor.system(),
        before={"status": S.RUNNING},
        after={"status": S.FAILED},
        reason=message,
    )
    return lead_import
