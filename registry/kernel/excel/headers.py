"""Recognizing a sheet's header as a person reads it (SPEC §3 "where the header is").

A header cell names a column of the kind when, after `header_key()` (spaces and line breaks
removed, full-width folded, required marks such as * ★ （必填） dropped), it is

  1. the column's exact name (also with hints in brackets dropped: 联系电话(手机) → 联系电话);
  2. else a mapping the user gave (`--map HEADER=COLUMN`, or remembered in the admin) — never
     for a column the file already names exactly;
  3. else one of the column's synonyms: the common ones below (columns several kinds share),
     plus the kind's own `KindResource.synonyms` (the kernel does not name another app's columns).

A header that could be two columns, or two headers that could be the same column, is
ambiguous: the file is refused with a message saying what was read and what is expected.
A header may span two rows (group titles merged across, names merged down): a column's name
is its lower cell, or the cell above when that is empty. The header is the first of the
first five rows (or pair of rows) that holds every required column of the kind.

Recognition looks at those first rows only, so it adds nothing per data row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.kernel.excel.reading import HEADER_SEARCH_ROWS, UnusableFile


@dataclass(frozen=True)
class Synonym:
    """A header other than the column's name; `values` translates its cells (是否专职: 是 → 专职)."""

    header: str
    values: Mapping[str, str] | None = None

    def describe(self) -> str:
        if not self.values:
            return self.header
        return f"{self.header}（" + "，".join(f"{k} = {v}" for k, v in self.values.items()) + "）"


# Columns several kinds share: written once here; a kind adds its own in `synonyms`.
COMMON_SYNONYMS: dict[str, tuple[str | Synonym, ...]] = {
    "姓名": ("名字", "人员姓名", "调解员姓名"),
    "身份证号": ("身份证号码", "公民身份号码", "公民身份证号码", "身份证", "身份证件号码", "居民身份证号码"),
    "出生日期": ("出生年月", "出生年月日", "出生时间"),
    "民族": ("族别",),
    "政治面貌": ("政治身份",),
    "学历": ("文化程度", "最高学历"),
    "联系电话": ("手机", "手机号", "手机号码", "电话", "电话号码", "联系方式"),
    "专业领域": ("专业特长", "擅长领域"),
    "所属调解组织": ("所在调解组织", "调解组织", "调解组织名称", "所在人民调解委员会", "所在调委会", "调委会名称"),
    "所属区划": (
        "所在区划",
        "所属镇街",
        "所在镇街",
        "所属乡镇（街道）",
        "所属乡镇街道",
        "所在村（社区）",
        "所在村社区",
    ),
}

_MARKS = re.compile(r"[*★☆※]|\((?:必填|必填项|选填|可选|非必填)\)")
_HINT = re.compile(r"\([^()]*\)")


def header_key(value: Any) -> str:
    """How a header cell is compared: no spaces or line breaks, half-width, no required marks."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    return _MARKS.sub("", text)


def _without_hints(key: str) -> str:
    return _HINT.sub("", key)


@dataclass
class Recognition:
    """What the header row says: where each column is, and what was not used."""

    header_index: int  # 0-based index of the (last) header row; data start below it
    header_rows: int  # 1 or 2
    positions: dict[str, int]  # column -> 0-based cell position
    texts: dict[str, str]  # column -> the file's own header text
    how: dict[str, str]  # column -> "exact" | "synonym" | "mapped"
    ignored: list[str] = field(default_factory=list)  # headers not used, in file order
    translations: dict[str, Mapping[str, str]] = field(default_factory=dict)  # column -> cell value map
    unused_mappings: list[str] = field(default_factory=list)  # mappings not applied, with the reason

    def renamed(self) -> dict[str, str]:
        """File header -> column, for the columns read under another name."""
        return {self.texts[c]: c for c in self.positions if self.how[c] != "exact"}


class HeaderProblem(UnusableFile):
    """The header lacks a required column or is ambiguous; the admin offers a mapping step.

    `message` is the whole sentence for the user (exit 2)."""

    def __init__(
        self, message: str, *, missing=(), unknown=(), ambiguous=None, found=None, header_row: int | None = None
    ):
        super().__init__(message)
        self.missing = list(missing)
        self.unknown = list(unknown)
        self.ambiguous = dict(ambiguous or {})  # column -> the headers that could be it
        self.found = dict(found or {})  # column -> (the file's header, "exact" | "synonym" | "mapped")
        self.header_row = header_row


class HeaderIndex:
    """A kind's columns and synonyms, compiled once per resource class."""

    def __init__(self, columns: list[str], required: tuple[str, ...], own: Mapping[str, tuple[str | Synonym, ...]]):
        self.columns = columns
        self.required = required
        self.exact: dict[str, str] = {header_key(c): c for c in columns}
        self.synonyms: dict[str, dict[str, Synonym]] = {}  # key -> column -> synonym
        self.listed: dict[str, list[Synonym]] = {c: [] for c in columns}
        for table in (COMMON_SYNONYMS, own):
            for column, entries in table.items():
                if column not in self.listed:
                    continue
                for entry in entries:
                    synonym = entry if isinstance(entry, Synonym) else Synonym(entry)
                    key = header_key(synonym.header)
                    if key in self.exact or column in self.synonyms.get(key, {}):
                        continue
                    self.synonyms.setdefault(key, {})[column] = synonym
                    if all(s.header != synonym.header for s in self.listed[column]):
                        self.listed[column].append(synonym)

    def column_for(self, key: str) -> str | None:
        """The column a header key names exactly."""
        return self.exact.get(key) or self.exact.get(_without_hints(key))

    def synonym_for(self, key: str) -> dict[str, Synonym]:
        return self.synonyms.get(key) or self.synonyms.get(_without_hints(key)) or {}

    def column_of_name(self, name: str) -> str | None:
        """A `--map` target: the column's name, as a person might type it."""
        return self.column_for(header_key(name))

    # ---- one candidate header row ----------------------------------------------------------
    def read(self, names: list[Any], mapping: Mapping[str, str]) -> Reading:
        """How one candidate header row reads: exact names first, then mappings and synonyms."""
        reading = Reading()
        pending: list[tuple[int, str, str]] = []  # position, text, key — not exact
        for position, cell in enumerate(names):
            key = header_key(cell)
            if not key:
                continue
            text = re.sub(r"\s+", "", str(cell))  # 身份证\n号码 is shown as 身份证号码
            column = self.column_for(key)
            if column is None or key in mapping:
                pending.append((position, text, key))
            elif column in reading.found:
                reading.ignored.append(text)  # a second column of the same name
            else:
                reading.found[column] = (position, text, "exact", None)
        claims: dict[str, list[tuple[int, str, str, Synonym | None]]] = {}
        for position, text, key in pending:
            if key in mapping:
                self._claim_mapped(reading, claims, position, text, mapping[key])
                continue
            options = {c: s for c, s in self.synonym_for(key).items() if c not in reading.found}
            if len(options) > 1:
                for column in options:
                    reading.ambiguous.setdefault(column, []).append(text)
            elif options:
                ((column, synonym),) = options.items()
                claims.setdefault(column, []).append((position, text, "synonym", synonym))
            else:
                reading.ignored.append(text)
        for column, candidates in claims.items():
            if candidates[0][2] == "mapped" or len(candidates) == 1:
                reading.found[column] = candidates[0]
                reading.ignored.extend(c[1] for c in candidates[1:])
            else:  # two headers that could be the same column
                reading.ambiguous.setdefault(column, []).extend(c[1] for c in candidates)
        # a header that could be two columns, one of which the file names otherwise, is still
        # ambiguous for the other; settled columns drop out
        reading.ambiguous = {c: texts for c, texts in reading.ambiguous.items() if c not in reading.found}
        return reading

    @staticmethod
    def _claim_mapped(reading: Reading, claims: dict, position: int, text: str, column: str) -> None:
        if not column:
            reading.ignored.append(text)  # the user said: not a column
        elif column in reading.found:  # never over an exact header
            reading.unused.append(f"{text} → {column}（文件已有“{reading.found[column][1]}”列，未采用）")
            reading.ignored.append(text)
        else:
            claims.setdefault(column, []).insert(0, (position, text, "mapped", None))


@dataclass
class Reading:
    found: dict[str, tuple[int, str, str, Synonym | None]] = field(default_factory=dict)  # column -> …
    ignored: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # column -> headers that could be it
    unused: list[str] = field(default_factory=list)  # mappings not applied

    def complete(self, required: tuple[str, ...]) -> bool:
        return all(c in self.found for c in required) and not self.ambiguous

    def score(self, required: tuple[str, ...]) -> int:
        return sum(1 for c in required if c in self.found) * 10 + len(self.found) + len(self.ambiguous)


def _two_rows(upper: list[Any], lower: list[Any]) -> list[Any]:
    """A column's name is its lower cell, or the (merged) cell above when that is empty."""
    width = max(len(upper), len(lower))
    names = []
    for position in range(width):
        below = lower[position] if position < len(lower) else None
        above = upper[position] if position < len(upper) else None
        names.append(below if header_key(below) else above)
    return names


def _candidates(head: list[list[Any]], i: int, index: HeaderIndex) -> list[tuple[int, int, list[Any]]]:
    """(last header row, rows, names) to try at row i: the row alone, and with the row below."""
    candidates = [(i, 1, head[i])]
    if i + 1 < len(head) and any(header_key(c) for c in head[i]):
        candidates.append((i + 1, 2, _two_rows(head[i], head[i + 1])))
        # a lower row holding several names of its own is a header row, not the first data row
        keys = [header_key(c) for c in head[i + 1]]
        if sum(1 for k in keys if k and (index.column_for(k) or index.synonym_for(k))) >= 2:
            candidates.reverse()
    return candidates


def recognize(table: list[list[Any]], index: HeaderIndex, mapping: Mapping[str, str] | None = None) -> Recognition:
    """Find and read the header (SPEC §3). Raises HeaderProblem when no row will do."""
    mapping = {header_key(k): v for k, v in (mapping or {}).items()}
    best: tuple[int, int, Reading] | None = None  # score, last header row, reading
    head = table[: HEADER_SEARCH_ROWS + 1]
    for i in range(min(HEADER_SEARCH_ROWS, len(head))):
        for last, rows, names in _candidates(head, i, index):
            reading = index.read(names, mapping)
            if reading.complete(index.required):
                found = reading.found
                return Recognition(
                    header_index=last,
                    header_rows=rows,
                    positions={c: v[0] for c, v in found.items()},
                    texts={c: v[1] for c, v in found.items()},
                    how={c: v[2] for c, v in found.items()},
                    ignored=reading.ignored,
                    translations={c: v[3].values for c, v in found.items() if v[3] is not None and v[3].values},
                    unused_mappings=reading.unused,
                )
            if best is None or reading.score(index.required) > best[0]:
                best = (reading.score(index.required), last, reading)
    raise _problem(best, index)


def _problem(best: tuple[int, int, Reading] | None, index: HeaderIndex) -> HeaderProblem:
    """Why no header row will do, said so that a clerk (or the mapping step) can fix it."""
    if best is None or best[0] == 0:
        return HeaderProblem(
            f"前{HEADER_SEARCH_ROWS}行中找不到表头；表头必须包含这些列：{'、'.join(index.required)}。"
            "可下载导入模板对照，列名也可用常见写法（见模板“说明”页）。"
        )
    _, last, reading = best
    row, ambiguous, ignored = last + 1, reading.ambiguous, reading.ignored
    parts = []
    for column, texts in ambiguous.items():
        if len(texts) == 1:
            readings = [c for c, cols in ambiguous.items() if texts[0] in cols]
            parts.append(f"表头“{texts[0]}”既可能是“{'”也可能是“'.join(readings)}”")
        else:
            parts.append(f"“{'”和“'.join(texts)}”都可能是“{column}”")
    missing = [c for c in index.required if c not in reading.found]
    if parts:
        message = f"第{row}行的表头有歧义：{'；'.join(dict.fromkeys(parts))}。"
        message += "请把列名改成模板中的写法，或指定对应关系（--map 表头=列名）。"
    else:
        message = f"第{row}行的表头缺少必填列：{'、'.join(missing)}。"
        if ignored:
            message += f"文件中不认识的列：{'、'.join(ignored)}；如其中有上述列，请改成模板中的列名，"
            message += "或指定对应关系（--map 表头=列名）。"
        else:
            message += "请补上这些列（列名见导入模板）后再导入。"
    return HeaderProblem(
        message,
        missing=missing,
        unknown=ignored,
        ambiguous=ambiguous,
        found={c: (v[1], v[2]) for c, v in reading.found.items()},
        header_row=row,
    )


# ---- footer rows (SPEC §3: notes below the data are not data) ---------------------------------
_FOOTER = re.compile(
    r"^(?:合计|总计|小计|共计"
    r"|(?:填表人|填报人|制表人|审核人|审批人|负责人|单位负责人|分管领导|联系人|填报日期|填表日期|制表日期|报送日期|填报单位)"
    r"(?:[:：\s]|$)"
    r"|[（(]?盖章[）)]?|单位[（(]盖章[）)]|注[:：])"
)


def footer_text(cells: list[Any]) -> str | None:
    """The note a footer row carries (合计：61人, 填表人：王芳 …), or None for any other row."""
    values = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    if not values:
        return None
    if not _FOOTER.match(unicodedata.normalize("NFKC", values[0]).strip()):
        return None
    text = " ".join(values)
    return text if len(text) <= 60 else text[:59] + "…"
