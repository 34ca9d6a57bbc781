"""The Excel import engine: one path for `manage.py import_xlsx` and the admin's Import.

How a kind works (SPEC §3–4):
  check the container (size, .xls, zip bomb, absurd dimensions) → read the first visible
  worksheet (not 说明) with python-calamine → find the header in the first five rows →
  clean every cell with the resource's widgets → `plan()` decides, for the whole file at
  once, what each row creates/updates/leaves unchanged and collects EVERY row error →
  if there is no error and it is not a dry run, `write()` stores it in one transaction with
  bulk history (simple-history, attributed to the importing user). Any error → nothing written.

Adding a kind in another app (e.g. training):
  1. In `<app>/resources.py` subclass `KindResource` (a django-import-export ModelResource):
     declare one `Field(attribute=…, column_name="<exact SPEC header>", widget=…)` per column
     using the shared widgets of `registry.kernel.excel.widgets` (dates, 是/否, ID numbers, names of related
     rows via `NaturalKeyWidget`), and set `required_columns`, `natural_key` (model attribute
     names) and `scope_field` (path to the Area id, e.g. "session__area_id" → see `in_scope`).
     Raw cells (`row.cells`) are there for `prefetch` and `clean_row`; `plan` works on the
     cleaned `row.values` (the raw sheet is released once every row is cleaned).
  2. Override hooks only where the generic single-model rule is not enough:
     `validate_row(row, obj, old, ctx)` (extra per-row rules; report with `ctx.error`),
     `in_scope(obj, ctx)`, `load_existing(keys)`, `check_file(rows, ctx)` (cross-row rules),
     or the whole `plan()`/`write()` (see registry.resources.MediatorResource).
  3. Register it in the app's `AppConfig.ready()`:
     `hooks.register(hooks.IMPORT_KIND, ("kind", "<app>.resources.<Name>Resource"))`.
  4. In the app's admin (a ScopedAdmin), set `import_kind = "kind"`: Import (preview →
     confirm), Export of the filtered list and the template download appear (registry.kernel.excel.admin).
Errors are `RowError(row, column, message)`: the sheet's own row number (header = its row),
the exact column header, a Chinese message saying what is wrong and what is expected.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.module_loading import import_string
from import_export import resources
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from registry.kernel import hooks
from registry.kernel.excel.reading import UnusableFile, find_header, read_sheet
from registry.kernel.excel.widgets import NaturalKeyWidget, escape_formula, is_blank
from registry.kernel.scope import scope_areas


def import_kinds() -> dict[str, str]:
    """KIND -> dotted path of its resource, in load order (each app registers its own)."""
    return dict(hooks.get(hooks.IMPORT_KIND))


BATCH_SIZE = 2000
WRITE_SLICE = 10_000

CREATED, UPDATED, UNCHANGED, INVALID = "created", "updated", "unchanged", "invalid"
STATUS_LABELS = {CREATED: "新增", UPDATED: "更新", UNCHANGED: "无变化", INVALID: "有错误"}


def name_mismatch(given: str, person, advice: str = "请核对。") -> str | None:
    """A row naming a mediator by 身份证号 must carry the registered 姓名 (spaces ignored)."""
    if re.sub(r"\s+", "", given or "") == re.sub(r"\s+", "", person.name):
        return None
    return f"姓名“{given}”与身份证号 {person.id_number} 登记的姓名“{person.name}”不一致，{advice}"


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class Cells(Mapping):
    """A row's raw cells by column header — a view on the parsed sheet row, not a copy
    (100,000 dict copies would cost more memory than the sheet itself)."""

    __slots__ = ("_raw", "_positions")

    def __init__(self, raw: list[Any], positions: dict[str, int]):
        self._raw, self._positions = raw, positions

    def __getitem__(self, column: str) -> Any:
        position = self._positions[column]
        return self._raw[position] if position < len(self._raw) else None

    def __iter__(self):
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


@dataclass(slots=True)
class Row:
    number: int  # the sheet's own row number
    cells: Mapping[str, Any]  # raw cell by column header
    values: dict[str, Any] = field(default_factory=dict)  # cleaned value by model attribute
    status: str | None = None
    label: str = ""  # what the preview shows for the row

    @property
    def failed(self) -> bool:
        return self.status == INVALID


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    header_row: int = 1
    rows: list[Row] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }

    def summary(self) -> str:
        if self.errors:
            bad_rows = len({e.row for e in self.errors})
            parts = [f"共 {len(self.rows)} 行数据，其中 {bad_rows} 行有错误（{len(self.errors)} 处），未写入任何数据"]
        else:
            parts = [f"新增 {self.created} 行，更新 {self.updated} 行，无变化 {self.unchanged} 行"]
        if self.ignored_columns:
            parts.append(f"已忽略不识别的列：{'、'.join(self.ignored_columns)}")
        if not self.errors and self.dry_run:
            parts.append("试运行，未写入数据")
        return "；".join(parts) + "。"


class ImportContext:
    """State of one import: who imports, their scope, the planned writes, the errors."""

    def __init__(self, user=None, dry_run: bool = False):
        self.user = user if user is not None and getattr(user, "is_authenticated", False) else None
        areas = scope_areas(user) if self.user is not None else None
        self.area_ids: set[int] | None = None if areas is None else set(areas.values_list("pk", flat=True))
        self.dry_run = dry_run
        self.errors: list[RowError] = []
        self.creates: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.updates: dict[type[models.Model], tuple[list[models.Model], set[str]]] = {}

    @property
    def scoped(self) -> bool:
        return self.area_ids is not None

    def error(self, row: Row, column: str, message: str) -> None:
        self.errors.append(RowError(row.number, column, message))
        row.status = INVALID

    def create(self, obj: models.Model) -> None:
        self.creates[type(obj)].append(obj)

    def update(self, obj: models.Model, fields: Iterable[str]) -> None:
        objs, names = self.updates.setdefault(type(obj), ([], set()))
        objs.append(obj)
        names.update(fields)


class KindResource(resources.ModelResource):
    """Base of every importable kind: django-import-export's column mapping, our set-based engine."""

    kind: ClassVar[str] = ""
    required_columns: ClassVar[tuple[str, ...]] = ()
    natural_key: ClassVar[tuple[str, ...]] = ()  # model attribute names
    scope_field: ClassVar[str | None] = "area_id"  # dotted path (obj.a.b_id) to the Area id
    scope_column: ClassVar[str] = ""  # where an out-of-scope row's error is reported
    out_of_scope_message: ClassVar[str] = "不在您的管辖范围内：镇街录入员只能导入本镇街及其村（社区）的数据。"
    # fields whose widget already ran the model field's own normalizer (IdNumberWidget runs
    # normalize_id_number, PhoneWidget normalize_phone): not normalized a second time
    prevalidated_fields: ClassVar[tuple[str, ...]] = ("id_number", "phone")
    template_notes: ClassVar[dict[str, str]] = {}  # column -> explanation for the 说明 sheet
    # text-formatted in templates besides ID and phone columns (codes Excel would turn into numbers)
    text_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    # ---- columns -------------------------------------------------------------------------
    def columns(self) -> dict[str, Any]:
        """Exact header -> import_export Field, in file order."""
        if not hasattr(self, "_columns"):
            self._columns = {f.column_name: f for f in self.get_import_fields()}
        return self._columns

    def column_of(self, attribute: str) -> str:
        for f in self.get_import_fields():
            if f.attribute == attribute or f.attribute.split("__")[0] == attribute:
                return f.column_name
        return self.scope_column or self.required_columns[0]

    # ---- per-row cleaning ----------------------------------------------------------------
    def prefetch(self, rows: list[Row], ctx: ImportContext) -> None:
        """One query per related column for the whole file (NaturalKeyWidget.prefetch)."""
        for column, f in self.columns().items():
            if isinstance(f.widget, NaturalKeyWidget):
                f.widget.prefetch(row.cells.get(column) for row in rows)

    def clean_row(self, row: Row, present: list[str], ctx: ImportContext) -> None:
        columns = self.columns()
        for column in present:
            f = columns[column]
            raw = row.cells.get(column)
            if column in self.required_columns and is_blank(raw):
                ctx.error(row, column, f"{column}不能为空。")
                continue
            try:
                row.values[f.attribute] = f.widget.clean(raw, row=row.cells)
            except ValidationError as exc:
                ctx.error(row, column, " ".join(exc.messages))
            except (ValueError, TypeError) as exc:
                ctx.error(row, column, str(exc))

    # ---- planning (whole file) ---------------------------------------------------------------
    def row_key(self, values: dict[str, Any]) -> tuple:
        return tuple(_key_part(values.get(name)) for name in self.natural_key)

    def key_column(self, key: tuple) -> str:
        """Where a duplicate key is reported."""
        return self.column_of(self.natural_key[0])

    def load_existing(self, keys: set[tuple]) -> dict[tuple, models.Model]:
        """Existing rows by natural key: one query per 5,000 keys (single-field keys) or one in all."""
        model = self._meta.model
        if len(self.natural_key) == 1:
            name = self.natural_key[0]
            lookup = f"{name}__in" if not _is_relation(model, name) else f"{name}_id__in"
            flat = sorted({k[0] for k in keys}, key=str)
            found: dict[tuple, models.Model] = {}
            for start in range(0, len(flat), 5000):
                for obj in model._default_manager.filter(**{lookup: flat[start : start + 5000]}):
                    found[self.row_key({name: getattr(obj, name)})] = obj
            return found
        return {
            self.row_key({n: getattr(obj, n) for n in self.natural_key}): obj for obj in model._default_manager.all()
        }

    def in_scope(self, obj: models.Model, ctx: ImportContext) -> bool:
        if not ctx.scoped or self.scope_field is None:
            return True
        value: Any = obj
        for part in self.scope_field.split("__"):
            value = getattr(value, part, None) if value is not None else None
        return value in ctx.area_ids

    def describe(self, obj: models.Model) -> str:
        return str(obj)

    def model_clean(self, obj: models.Model, row: Row, ctx: ImportContext) -> None:
        """The admin's validation without its per-row queries: uniqueness is checked per file."""
        # Related rows were resolved (and scope-checked) by name; skipping their fields
        # here avoids ForeignKey.validate's one query per row.
        relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
        try:
            obj.clean_fields(exclude=relations + list(self.prevalidated_fields))
            obj.clean()
        except ValidationError as exc:
            self.report_validation(exc, row, ctx)

    def report_validation(self, exc: ValidationError, row: Row, ctx: ImportContext) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                column = (
                    self.column_of(name)
                    if name != NON_FIELD_ERRORS
                    else (self.scope_column or self.required_columns[0])
                )
                for message in errors:
                    ctx.error(row, column, message)
        else:
            for message in exc.messages:
                ctx.error(row, self.required_columns[0], message)

    def validate_row(self, row: Row, obj: models.Model, old: dict[str, Any] | None, ctx: ImportContext) -> None:
        """Kind-specific per-row rules (hook). `old` holds the stored values, None for a new row.

        Report problems with `ctx.error(row, column, message)`; set `row.status = UPDATED` when
        the row changes something the generic comparison of model fields cannot see."""

    def check_file(self, rows: list[Row], ctx: ImportContext) -> None:
        """Cross-row rules over the whole file (hook)."""

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        """Generic single-model plan: natural key → create / update / unchanged."""
        existing = self.load_existing({self.row_key(r.values) for r in rows if not r.failed})
        first_seen: dict[tuple, int] = {}
        for row in rows:
            if row.failed:
                continue
            key = self.row_key(row.values)
            if key in first_seen:
                columns = "、".join(self.column_of(n) for n in self.natural_key)
                ctx.error(
                    row, self.key_column(key), f"与第{first_seen[key]}行重复（{columns}相同），同一记录只能出现一次。"
                )
                continue
            first_seen[key] = row.number
            self._plan_row(row, existing.get(key), ctx)  # may be an unsaved object a kind prepared
        self.check_file(rows, ctx)

    def _plan_row(self, row: Row, obj: models.Model | None, ctx: ImportContext) -> None:
        """One row onto its stored object (or a new one): clean, scope, kind rules, then count it."""
        if obj is not None and not obj._state.adding and not self.in_scope(obj, ctx):
            ctx.error(row, self.column_of(self.natural_key[0]), f"“{self.describe(obj)}”{self.out_of_scope_message}")
            return
        concrete = {f.name: f for f in self._meta.model._meta.concrete_fields}
        assigned = [n for n in row.values if n in concrete]
        # clean() may derive fields (gender from the ID, say): track those too
        tracked = assigned + [n for n in self.derived_fields() if n not in assigned]
        old = None if obj is None or obj._state.adding else {n: getattr(obj, concrete[n].attname) for n in tracked}
        if obj is None:
            obj = self._meta.model()
        for name in assigned:
            setattr(obj, name, row.values[name])
        self.model_clean(obj, row, ctx)
        if row.failed:
            return
        if not self.in_scope(obj, ctx):
            column = self.scope_column or self.column_of(self.natural_key[0])
            ctx.error(row, column, f"“{self.describe(obj)}”{self.out_of_scope_message}")
            return
        self.validate_row(row, obj, old, ctx)
        if row.failed:
            return
        row.label = self.describe(obj)
        if old is None:
            row.status = CREATED
            ctx.create(obj)
            return
        changed = [n for n in tracked if getattr(obj, concrete[n].attname) != old[n]]
        if changed:
            ctx.update(obj, changed)
        # validate_row may already have marked the row UPDATED (a change outside the
        # model's own columns, e.g. a many-to-many cell)
        row.status = UPDATED if changed or row.status == UPDATED else UNCHANGED

    def derived_fields(self) -> tuple[str, ...]:
        return ()

    # ---- writing -------------------------------------------------------------------------------
    def write(self, ctx: ImportContext) -> None:
        # Updates first: a post whose end date the file sets must be closed before a new
        # full-time post that starts after it is inserted (PostgreSQL exclusion constraint).
        for model, (objs, names) in ctx.updates.items():
            bulk_update_history(objs, model, sorted(names), ctx.user)
        for model, objs in ctx.creates.items():
            bulk_create_history(objs, model, ctx.user)

    # ---- export ---------------------------------------------------------------------------------
    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def export_queryset(self, queryset):
        """Hook: what the export iterates for a (scoped) changelist queryset."""
        return queryset


def bulk_create_history(objs: list[models.Model], model: type[models.Model], user) -> None:
    """bulk_create_with_history in slices: simple-history builds a historical instance per
    object at once, so slicing keeps 100,000 rows from doubling the peak memory."""
    for start in range(0, len(objs), WRITE_SLICE):
        bulk_create_with_history(objs[start : start + WRITE_SLICE], model, batch_size=BATCH_SIZE, default_user=user)


def bulk_update_history(objs: list[models.Model], model: type[models.Model], fields: list[str], user) -> None:
    for start in range(0, len(objs), WRITE_SLICE):
        bulk_update_with_history(
            objs[start : start + WRITE_SLICE], model, fields, batch_size=BATCH_SIZE, default_user=user
        )


def _is_relation(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).is_relation
    except Exception:
        return False


def _key_part(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


def resource_for(kind: str, user=None) -> KindResource:
    kinds = import_kinds()
    if kind not in kinds:
        raise UnusableFile(f"未知的导入类型“{kind}”；可选：{'、'.join(kinds)}。")
    return import_string(kinds[kind])(user=user)


def import_rows(resource: KindResource, table: list[list[Any]], ctx: ImportContext) -> ImportResult:
    header_index, headers = find_header(table, resource)
    columns = resource.columns()
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, name in enumerate(headers):
        if not name:
            continue
        if name in columns and name not in positions:
            positions[name] = position
        elif name not in ignored:
            ignored.append(name)
    rows: list[Row] = []
    for index in range(header_index + 1, len(table)):
        cells = table[index]
        # blank in every recognized column: an empty line, even if a 序号 was pre-filled
        if all(is_blank(cells[p]) for p in positions.values() if p < len(cells)):
            continue
        rows.append(Row(index + 1, Cells(cells, positions)))
    if not rows:
        raise UnusableFile("文件只有表头，没有数据行。请在表头下面填写数据后再导入。")
    present = list(positions)
    resource.prefetch(rows, ctx)
    released = Cells((), positions)
    for row in rows:
        resource.clean_row(row, present, ctx)
        # plan() works on row.values; dropping the raw sheet keeps 100,000 rows in budget
        # (`column in row.cells` still says whether the file has the column)
        row.cells = released
    table.clear()
    resource.plan(rows, ctx)
    result = ImportResult(
        kind=resource.kind, ignored_columns=ignored, header_row=header_index + 1, rows=rows, dry_run=ctx.dry_run
    )
    result.errors = sorted(
        ctx.errors, key=lambda e: (e.row, list(columns).index(e.column) if e.column in columns else 99)
    )
    if not result.errors:
        for row in rows:
            if row.status not in (CREATED, UPDATED, UNCHANGED):
                raise RuntimeError(f"{type(resource).__name__}.plan() left row {row.number} without a status")
            setattr(result, row.status, getattr(result, row.status) + 1)
    return result


def can_import(user, resource: KindResource) -> bool:
    opts = resource._meta.model._meta
    return any(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in ("add", "change"))


def import_file(kind: str, data: bytes, *, user=None, dry_run: bool = False) -> ImportResult:
    """Import one .xlsx file (bytes) of `kind`; all-or-nothing. Raises UnusableFile (exit 2)."""
    resource = resource_for(kind, user)
    if user is not None and not can_import(user, resource):
        raise UnusableFile(f"用户“{user}”没有导入{resource._meta.model._meta.verbose_name}的权限。")
    table, _ = read_sheet(data)
    ctx = ImportContext(user=user, dry_run=dry_run)
    try:
        with transaction.atomic():
            result = import_rows(resource, table, ctx)
            if not result.errors and not dry_run:
                resource.write(ctx)
    except DatabaseError:
        # another user changed the same records between our check and our write
        raise UnusableFile("写入时与其他人同时进行的修改发生冲突，未写入任何数据；请稍后重新导入。") from None
    return result
