"""Validation and canonical forms shared by the admin, the importer and services.

Every message is Chinese and says what is wrong and what is expected, because the
same text reaches a clerk through the admin form and through an import row error.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from stdnum import numdb
from stdnum.cn import ric

# 、 ， , ; ； — the separators clerks use in multi-value cells (SPEC §3).
MULTI_VALUE_SPLIT = re.compile(r"\s*[、，,;；]+\s*")
MULTI_VALUE_JOIN = "、"

# Full-width ASCII to half-width, except the brackets （）: they are part of exact SPEC labels
# such as 乡镇（街道）人民调解委员会 and of organization names.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code not in (0xFF08, 0xFF09)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def halfwidth(value: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, punctuation but the brackets) to half-width.

    Deliberately not NFKC, which would also rewrite the full-width brackets.
    """
    return value.translate(_FULLWIDTH)


# C0 and C1 control characters (a NUL PostgreSQL cannot store, _x0001_ escapes from other programs) carry
# nothing a clerk typed: dropped. Tab and line breaks are whitespace and collapse to a space.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def clean_text(value: object) -> str:
    """Trim and collapse whitespace of a free-text cell, drop control characters; None becomes ''."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", _CONTROL.sub("", str(value).replace("\u3000", " "))).strip()


# GB/T 2260 province-level codes (the first two digits of a 身份证号), plus 71/81/82/83 for the
# residence permits of Taiwan, Hong Kong and Macao residents. A code outside this list is a typo
# or a fake; an unknown or renamed county inside a known province stays information only.
PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    + [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)

_ROUNDED_NUMBER = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


def normalize_id_number(value: object) -> str:
    """Return the canonical 18-character 身份证号 or raise a ValidationError.

    Uses python-stdnum's parts (compact, calc_check_digit, get_birth_date) but not
    ric.validate(): that also demands the region code existed in the birth year and
    so refuses most real IDs (500104 before 1997, 510203 outside 1983–1997).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError("身份证号不能为空。", code="required")
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool) and value >= 10**15):
        if isinstance(value, int):
            value = str(value)
        else:
            raise ValidationError(
                "身份证号被 Excel 当作数字保存，已四舍五入（如 5.00104199001011E+17），无法恢复。"
                "请把该列设置为“文本”格式后重新录入完整的18位号码。",
                code="rounded",
            )
    return _normalize_id_text(str(value))


@functools.lru_cache(maxsize=250_000)
def _normalize_id_text(value: str) -> str:
    # Cached: a model field normalizes on every full_clean, save and lookup, and an import
    # meets each ID several times. Only valid results are cached (exceptions are not).
    text = halfwidth(value)
    text = re.sub(r"[\s\-]", "", text).upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if _ROUNDED_NUMBER.match(text):
        raise ValidationError(
            f"身份证号“{value}”被 Excel 当作数字保存，已四舍五入，无法恢复。"
            "请把该列设置为“文本”格式后重新录入完整的18位号码。",
            code="rounded",
        )
    number = ric.compact(text)
    if len(number) != 18:
        raise ValidationError(f"身份证号应为18位，“{value}”是{len(number)}位。", code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(f"身份证号“{value}”格式不正确：前17位应为数字，最后一位为数字或X。", code="format")
    if int(number[:2]) not in PROVINCE_CODES:
        raise ValidationError(
            f"身份证号“{number}”的前两位 {number[:2]} 不是省级行政区划代码（如 50 重庆、51 四川、11 北京），"
            "请核对号码是否录错。",
            code="province",
        )
    try:
        birth = ric.get_birth_date(number)
    except Exception:
        raise ValidationError(
            f"身份证号“{number}”中的出生日期（第7–14位 {number[6:14]}）不是有效日期。",
            code="birth_date",
        ) from None
    if birth > datetime.date.today():
        raise ValidationError(f"身份证号“{number}”中的出生日期 {birth:%Y-%m-%d} 晚于今天。", code="birth_date")
    if birth.year < 1900:
        raise ValidationError(
            f"身份证号“{number}”中的出生日期 {birth:%Y-%m-%d} 早于1900年，请核对。",
            code="birth_date",
        )
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise ValidationError(
            f"身份证号“{number}”校验位错误：按前17位计算最后一位应为 {expected}，请核对号码是否录错。",
            code="checksum",
        )
    return number


def id_birth_date(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def id_gender(number: str) -> str:
    """男 for an odd 17th digit, 女 for an even one (GB 11643)."""
    return "男" if int(number[16]) % 2 else "女"


def id_birth_place(number: str) -> str:
    """The place the first six digits name, whatever the year it was valid in.

    Information only (shown in the admin): never a reason to refuse an ID.
    """
    try:
        parts = numdb.get("cn/loc").info(number[:6])
    except Exception:
        return ""
    names = []
    for _, props in parts:
        for key in ("province", "city", "county"):
            if key in props:
                # '[1983-1997]大渡口区,[1997-]…' -> the names without their years
                for name in props[key].split(","):
                    name = re.sub(r"^\[[^\]]*\]", "", name)
                    if name and name not in names:
                        names.append(name)
    return " ".join(names)


_MOBILE = re.compile(r"^1\d{10}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: object) -> str:
    """'' stays ''; otherwise an 11-digit mobile or a landline like 023-68123456."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = halfwidth(str(value)).strip()
    text = re.sub(r"[\s()（）]", "", text).replace("—", "-").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        return ""
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    raise ValidationError(
        f"联系电话“{value}”格式不正确：应为以1开头的11位手机号，或带区号的固定电话（如 023-68123456）。",
        code="phone",
    )


def split_multi(value: object) -> list[str]:
    """Split a multi-value cell on 、 ， , ; ； and keep first occurrences in order."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        items = [clean_text(halfwidth(str(v))) for v in value]
    else:
        items = MULTI_VALUE_SPLIT.split(clean_text(halfwidth(str(value))))
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


CENT = Decimal("0.01")
# 2022-03, 2022/3, 2022.3, 2022年3月, 2022-03-05 (a day is allowed and dropped), 202203
_PERIOD = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?|(\d{2}))$")


def normalize_period(value: object) -> str:
    """'2022-03', '2022/3', '2022.3', '2022年3月', '202203', an Excel date → '2022-03'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError("所属期间不能为空，应为 YYYY-MM（如 2022-03）。", code="required")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"{value:%Y-%m}"
    text = halfwidth(str(value)).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else repr(value)
        if isinstance(value, float) and text.endswith(".1"):
            # 2022.10 typed into a number cell is stored as 2022.1: January or October?
            raise ValidationError(
                f"所属期间“{text}”被 Excel 当作数字保存，无法区分1月和10月；请把该列设为文本格式，按 YYYY-MM 填写（如 2022-10）。",
                code="ambiguous",
            )
    match = _PERIOD.match(text)
    if not match:
        raise ValidationError(f"所属期间“{value}”格式不正确：应为 YYYY-MM（如 2022-03）。", code="invalid")
    year, month = int(match.group(1)), int(match.group(2) or match.group(3))
    if not 1 <= month <= 12:
        raise ValidationError(f"所属期间“{value}”中的月份 {month} 无效：月份应为 01–12。", code="invalid_month")
    if not 2000 <= year <= 2100:
        raise ValidationError(f"所属期间“{value}”中的年份 {year} 不合理，请核对。", code="invalid_year")
    return f"{year:04d}-{month:02d}"


# Far beyond any amount, head-count or hours a row can hold, yet small enough that quantize()
# and int() cannot overflow: 1E+308, inf, NaN and #NUM! become row errors, never a crash.
NUMBER_LIMIT = Decimal(10) ** 12


def parse_number(value: object, label: str, hint: str) -> Decimal:
    """A cell (text with units already removed, an int, a float) as an exact, finite Decimal below 10¹².

    A float is read through its shortest repr (1200.5 → '1200.5'), so a typed number comes
    through exactly. `hint` says what is expected, e.g. '应填写金额，如 1200 或 1200.50'.
    """
    if isinstance(value, bool):
        raise ValidationError(f"{label}“{value}”不是数字：{hint}。", code="invalid")
    if isinstance(value, Decimal):
        number, shown = value, str(value)
    else:
        shown = repr(value) if isinstance(value, float) else str(value)
        try:
            number = Decimal(halfwidth(shown).strip())
        except InvalidOperation:
            raise ValidationError(f"{label}“{shown}”不是数字：{hint}。", code="invalid") from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise ValidationError(
            f"{label}“{shown}”不是数字或超出范围（如无穷大、#NUM!、一万亿以上）：{hint}。", code="out_of_range"
        )
    return number


def normalize_amount(value: object, label: str = "金额", positive: bool = True) -> Decimal:
    """Exact yuan to the fen: > 0 and at most 2 decimals; '¥1,200.50' and full-width digits accepted.

    A float that is not a whole number of fen is refused.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{label}不能为空。", code="required")
    if isinstance(value, str):
        value = re.sub(r"[\s,，¥￥元]", "", halfwidth(value))
    amount = parse_number(value, label, "应填写金额，如 1200 或 1200.50")
    if amount != amount.quantize(CENT):
        raise ValidationError(f"{label}“{value}”超过2位小数：金额精确到分，最多保留2位小数。", code="decimal_places")
    if positive and amount <= 0:
        raise ValidationError(f"{label}“{value}”必须大于0。", code="not_positive")
    return amount.quantize(CENT)


def mask_id_number(number: str) -> str:
    """500104********0018: the birth date, the most sensitive part, is hidden."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else number


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits stay; a short number keeps its last two."""
    if len(phone) > 7:
        return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
    return f"{'*' * (len(phone) - 2)}{phone[-2:]}" if len(phone) > 2 else phone
