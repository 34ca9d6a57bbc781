"""Cell normalizers shared by every import/export resource (SPEC §3 "cells arrive messy").

Each widget is a django-import-export `Widget`: `clean(value)` turns a raw cell (str, float,
int, bool, date, datetime or None, as python-calamine or openpyxl yield it) into the
canonical value or raises `ValueError`/`ValidationError` with a Chinese message a clerk can
act on; `render(value)` gives the export cell. Model-level rules (ID checksum, phone
format, allowed 人员类别) stay in registry.kernel.validators / registry.kernel.fields, so the admin
and the importer say the same thing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from import_export.widgets import Widget

from registry.kernel.validators import (
    MULTI_VALUE_JOIN,
    clean_text,
    id_birth_date,
    normalize_amount,
    normalize_id_number,
    normalize_period,
    normalize_phone,
    parse_number,
    split_multi,
)

# Full-width digits and letters only: full-width brackets belong to exact SPEC labels
# such as 乡镇（街道）人民调解委员会 and must survive.
_FULLWIDTH_ALNUM = {
    **{c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)},
    **{c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)},
    **{c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
}
# A cell that export escaped so a spreadsheet would not evaluate it ('=…, '+…, '-…, '@…).
FORMULA_PREFIXES = ("=", "+", "-", "@")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# SPEC §3: dates are accepted from 1900 to 2100; as Excel serial days, 1 … 73415.
FIRST_DATE, LAST_DATE = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)
_FIRST_SERIAL, _LAST_SERIAL = 1, (LAST_DATE - _EXCEL_EPOCH).days


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_text(value: object) -> str:
    """Trimmed text with full-width digits/letters made half-width; numbers lose a stray '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value).translate(_FULLWIDTH_ALNUM))
    if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def _label_key(text: str) -> str:
    """Loose comparison for enumerated labels: brackets, spaces and width don't matter."""
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def escape_formula(value: object) -> object:
    """Export-side: a text cell starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class TextWidget(Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return normalize_text(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return escape_formula("" if value is None else str(value))


class ChoiceWidget(TextWidget):
    """One of a closed list of exact labels (组织类型, 专兼职, 区划层级 …)."""

    def __init__(self, choices: Iterable[str], label: str, aliases: dict[str, str] | None = None):
        super().__init__()
        self.choices = list(choices)
        self.label = label
        self._by_key = {_label_key(c): c for c in self.choices}
        for alias, target in (aliases or {}).items():
            self._by_key[_label_key(alias)] = target

    def clean(self, value, row=None, **kwargs) -> str:
        text = normalize_text(value)
        if not text:
            return ""
        found = self._by_key.get(_label_key(text))
        if found is None:
            raise ValueError(f"{self.label}“{text}”不在可选范围内；可选：{'、'.join(self.choices)}。")
        return found


class DateWidget(Widget):
    """Excel dates, Excel serial numbers, and text 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305."""

    _TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00)?)?$")
    _COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

    def __init__(self, label: str = "日期"):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if is_blank(value):
            return None
        return self.in_range(self.parse(value))

    def parse(self, value) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()  # a date, not a datetime: re-imports compare equal
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if _FIRST_SERIAL <= value < _LAST_SERIAL + 1:  # NaN and inf compare False
                return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
            raise ValueError(self._range_message(value))
        text = normalize_text(value)
        match = self._TEXT.match(text) or self._COMPACT.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise ValueError(self._message(text))

    def in_range(self, date: datetime.date) -> datetime.date:
        """SPEC §3: a date outside 1900–2100 is a row error (and 9999-12-31 + a term would overflow)."""
        if not FIRST_DATE <= date <= LAST_DATE:
            raise ValueError(self._range_message(f"{date:%Y-%m-%d}"))
        return date

    def _range_message(self, shown) -> str:
        return f"{self.label}“{shown}”不在 1900-01-01 至 2100-12-31 之间；请填写如 2021-03-05 的日期。"

    def _message(self, text) -> str:
        return f"{self.label}“{text}”无法识别，请填写如 2021-03-05 或 2021年3月5日 的日期。"

    def render(self, value, obj=None, **kwargs) -> str:
        return f"{value:%Y-%m-%d}" if value else ""


class BirthDateWidget(DateWidget):
    """出生日期, or 出生年月 with no day (1965.03, 1965年3月, 196503, 1965-03): a month is checked
    against the ID number's year and month and stands for the ID's date. `1965.1` is January or
    October (Excel keeps 1965.10 typed as a number as 1965.1): the ID settles which, or it is an error."""

    _MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))$")

    def __init__(self, label: str = "出生日期", id_column: str = "身份证号"):
        super().__init__(label)
        self.id_column = id_column

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if is_blank(value) or isinstance(value, (datetime.date, bool)):
            return super().clean(value)
        if isinstance(value, (int, float)):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(self._message(value))
            text = repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
            if not self._MONTH.match(text):
                if 1900 <= value <= 2100:
                    raise ValueError(f"{self.label}“{text}”只有年份，请写到月，如 {text}.03 或 {text}-03-05。")
                return super().clean(value)  # an Excel serial date
        else:
            text = normalize_text(value)
        match = self._MONTH.match(text)
        if match is None:
            return super().clean(value)
        year, month = int(match.group(1)), int(match.group(2) or match.group(3))
        months = [month]
        if match.group(2) == "1" and text[4:5] == ".":
            months = [1, 10]
        if not all(1 <= m <= 12 for m in months):
            raise ValueError(f"{self.label}“{text}”的月份不对，请写成如 1965.03 或 1965-03-05。")
        birth = self._id_birth_date(row)
        if birth is None:
            if len(months) > 1:
                raise ValueError(
                    f"{self.label}“{text}”可能是{year}年1月，也可能是{year}年10月；请写成 {year}.01 或 {year}.10"
                    "（或把该列设为文本格式）。"
                )
            return None  # month only and no readable ID: the ID's own error says what to fix
        if birth.year == year and birth.month in months:
            return birth
        read = "或".join(f"{year}年{m}月" for m in months)
        raise ValueError(
            f"{self.label}“{text}”（{read}）与身份证号中的出生年月 {birth.year}年{birth.month}月不一致，请核对。"
        )

    def _id_birth_date(self, row) -> datetime.date | None:
        raw = row.get(self.id_column) if row is not None else None
        try:
            return id_birth_date(normalize_id_number(normalize_text(raw) if isinstance(raw, str) else raw))
        except (ValidationError, ValueError, TypeError):
            return None


class MonthWidget(Widget):
    """A period YYYY-MM from 2021-03, 2021/3, 2021.3, 2021年3月, 202103 or an Excel date."""

    def clean(self, value, row=None, **kwargs) -> str:
        return "" if is_blank(value) else normalize_period(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class BooleanWidget(Widget):
    TRUE = {"是", "有", "已建立", "Y", "YES", "TRUE", "1", "√"}
    FALSE = {"否", "无", "未建立", "N", "NO", "FALSE", "0", "×"}

    def __init__(self, label: str = "", default: bool | None = False):
        super().__init__()
        self.label = label
        self.default = default

    def clean(self, value, row=None, **kwargs) -> bool | None:
        if is_blank(value):
            return self.default
        if isinstance(value, bool):
            return value
        text = normalize_text(value).upper()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"{self.label}“{normalize_text(value)}”无法识别，请填写“是”或“否”。")

    def render(self, value, obj=None, **kwargs) -> str:
        return "是" if value else "否"


class IntegerWidget(Widget):
    def __init__(self, label: str = "", minimum: int | None = 0):
        super().__init__()
        self.label = label
        self.minimum = minimum

    def clean(self, value, row=None, **kwargs) -> int | None:
        if is_blank(value):
            return None
        floor = f"不小于{self.minimum}的" if self.minimum is not None else ""
        text = value if isinstance(value, float) else re.sub(r"[,，]|人$", "", normalize_text(value)).strip()
        number = parse_number(text, self.label, f"应为{floor}整数")
        if number != number.to_integral_value() or (self.minimum is not None and number < self.minimum):
            raise ValueError(f"{self.label}“{normalize_text(value)}”应为{floor}整数。")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class MoneyWidget(Widget):
    """CNY amount, exact to the fen and > 0: accepts 1,200.5, ¥1200, 1200元."""

    def __init__(self, label: str = "金额"):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        return None if is_blank(value) else normalize_amount(value, self.label)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else f"{value:.2f}"


class IdNumberWidget(Widget):
    """身份证号: canonical 18 characters with upper-case X; a number Excel rounded is refused."""

    def __init__(self, required: bool = True):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs) -> str | None:
        if is_blank(value):
            if self.required:
                raise ValidationError("身份证号不能为空。")
            return None
        if isinstance(value, str):
            value = normalize_text(value)
        return normalize_id_number(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class PhoneWidget(Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return normalize_phone(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class MultiValueWidget(Widget):
    """人员类别, 专业领域: split on 、 ， , ; ； and stored joined with 、."""

    def clean(self, value, row=None, **kwargs) -> str:
        return MULTI_VALUE_JOIN.join(split_multi(normalize_text(value) if not is_blank(value) else None))

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class NaturalKeyWidget(Widget):
    """A related row named by its natural key (a name, an ID number) — never a primary key.

    The engine calls `prefetch(values)` once per file with every cell of the column, so
    resolving 100,000 rows costs one query, not 100,000. An unknown name is a row error.
    """

    def __init__(self, model, field: str = "name", label: str = "", hint: str = "", normalize=normalize_text):
        super().__init__()
        self.model = model
        self.field = field
        self.label = label
        self.hint = hint
        self.normalize = normalize
        self.cache: dict[object, object] = {}

    @property
    def listed(self) -> bool:
        """Offered as a drop-down in templates: names and codes, never people's ID numbers."""
        return self.field != "id_number"

    def key(self, value) -> object:
        return self.normalize(value)

    @staticmethod
    def loose(key: object) -> object:
        """Half- and full-width brackets name the same row: 调解室(演示) = 调解室（演示）."""
        return key.replace("(", "（").replace(")", "）") if isinstance(key, str) else key

    def prefetch(self, values: Iterable[object], queryset=None) -> None:
        keys = set()
        for value in values:
            try:
                key = self.key(value)
            except (ValueError, ValidationError):
                continue
            if key:
                keys.add(key)
        queryset = queryset if queryset is not None else self.model._default_manager.all()
        self.cache = {}
        variants = set(keys)
        for key in keys:
            if isinstance(key, str) and any(ch in key for ch in "()（）"):
                variants |= {self.loose(key), self.loose(key).replace("（", "(").replace("）", ")")}
        keys_list = sorted(variants, key=str)
        for start in range(0, len(keys_list), 5000):
            chunk = keys_list[start : start + 5000]
            for obj in queryset.filter(**{f"{self.field}__in": chunk}):
                self.cache[self.loose(getattr(obj, self.field))] = obj

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        key = self.key(value)
        found = self.cache.get(self.loose(key))
        if found is None:
            raise ValueError(f"{self.label}“{key}”不存在{self.hint}。")
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(getattr(value, self.field))


class ManyNaturalKeysWidget(NaturalKeyWidget):
    """Several related rows in one cell (服务调解组织), split like any multi-value cell."""

    def prefetch(self, values: Iterable[object], queryset=None) -> None:
        names = [name for value in values for name in split_multi(None if is_blank(value) else normalize_text(value))]
        super().prefetch(names, queryset)

    def clean(self, value, row=None, **kwargs) -> list:
        if is_blank(value):
            return []
        found, missing = [], []
        for name in split_multi(normalize_text(value)):
            obj = self.cache.get(self.loose(name))
            (found if obj is not None else missing).append(obj if obj is not None else name)
        if missing:
            raise ValueError(f"{self.label}“{'、'.join(missing)}”不存在{self.hint}。")
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        items = value.all() if hasattr(value, "all") else (value or [])
        return MULTI_VALUE_JOIN.join(sorted(str(getattr(item, self.field)) for item in items))
