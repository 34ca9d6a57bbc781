"""Property-based: whatever a cell or a container holds, import_xlsx exits 0, 1 or 2 with the JSON
contract — never a traceback, never a partial write (issue 17, item 2).

Profiles (tests/conftest.py): `ci` (default, fixed seed, bounded) and `long` (HYPOTHESIS_PROFILE=long).
"""

from __future__ import annotations

import datetime
import io
import json
import warnings
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.kernel.excel.engine import import_kinds, resource_for
from registry.kernel.excel.widgets import BooleanWidget, ChoiceWidget, DateWidget, IdNumberWidget, NaturalKeyWidget
from registry.models import HostUnit, HostUnitKind
from tests.factories import make_id, make_mediator, make_post
from tests.robustness import rawxlsx

KINDS = list(import_kinds())
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
ERRORS = ["#N/A", "#NUM!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NULL!", "#GETTING_DATA", "#SPILL!"]
EMOJI = ["😀", "👨‍👩‍👧", "🇨🇳", "\u200d", "\ufeff", "𠀀", "Ａ１２３", "１９９０年１月１日"]

text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
long_text = st.builds(lambda ch, n: ch * n, st.sampled_from(["长", "a", "\x01", "😀", " "]), st.integers(0, 40_000))
number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from([1e308, -1e308, 5e-324, 1.7976931348623157e308, -0.0, 0.0, 1e15, 1e16, 99999999999.999]),
).map(lambda n: ("n", repr(n) if isinstance(n, float) else str(n)))
date_serial = st.one_of(st.integers(-1, 10**7), st.floats(-1, 10**7)).map(lambda n: ("d", repr(n)))


def raw_cell() -> st.SearchStrategy:
    return st.one_of(
        st.none(),
        number,
        date_serial,
        text.map(lambda t: ("s", t)),
        long_text.map(lambda t: ("s", t)),
        st.sampled_from(EMOJI).map(lambda t: ("s", t)),
        st.sampled_from(ERRORS).map(lambda t: ("e", t)),
        st.sampled_from(["SUM(A1:A2)", "1/0", "NOW()", 'HYPERLINK("http://x")']).map(lambda t: ("f", t)),
        st.sampled_from(["=1+1", "+86", "-0", "@SUM(A1)", "'=cmd"]).map(lambda t: ("s", t)),
        st.booleans().map(lambda b: ("b", "1" if b else "0")),
    )


def plausible_values(widget) -> list[str]:
    """Values a clerk would type in this column, so that rows also reach the planning and writing."""
    if isinstance(widget, ChoiceWidget):
        return list(widget.choices)
    if isinstance(widget, NaturalKeyWidget):
        return [str(getattr(o, widget.field)) for o in widget.model._default_manager.all()[:20]]
    if isinstance(widget, IdNumberWidget):
        return [m.id_number for m in apps.get_model("registry", "Mediator").objects.all()[:5]] + [make_id()]
    if isinstance(widget, DateWidget):
        return ["2021-03-05", "2021年3月5日", "1899-12-31", "2100-12-31", "2101-01-01", "0001-01-01"]
    if isinstance(widget, BooleanWidget):
        return ["是", "否"]
    return ["新山村街道", "演示", "2022-03", "800", "以案定补", "男", "个人", "QX-2023-01"]


def counts() -> dict[str, int]:
    """Rows in every table of the four apps, history included: what 'nothing written' compares.
    The 导入记录 is left out: every import, a refused one too, is on record by design (issue 13)."""
    return {
        m._meta.label: m._default_manager.count()
        for label in ("registry", "training", "subsidies", "branding")
        for m in apps.get_app_config(label).get_models()
        if m._meta.label != "registry.ImportRecord"
    }


def run(kind: str, data: bytes, tmp_path, *args: str) -> tuple[int, dict]:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    code = 0
    try:
        call_command("import_xlsx", kind, str(path), "--format", "json", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        code = exc.code
    lines = out.getvalue().strip().split("\n")  # \x85 or \u2028 inside a JSON string is no line break
    assert len(lines) == 1, f"expected one JSON line, got {out.getvalue()!r}"
    return code, json.loads(lines[0])


def check_contract(code: int, payload: dict, before: dict[str, int]) -> None:
    assert code in (0, 1, 2)
    assert list(payload)[:4] == ["created", "updated", "unchanged", "errors"]
    assert all(isinstance(payload[k], int) for k in ("created", "updated", "unchanged"))
    for error in payload["errors"]:
        assert set(error) >= {"row", "column", "message"} and error["message"]
    if code == 0:
        assert payload["errors"] == []
    else:
        assert payload["errors"], "exit 1 or 2 must say why"
        assert counts() == before, "a refused file wrote something"


@pytest.fixture
def world(district, users):
    """A little of everything, so that plausible rows name records that exist."""
    person = make_mediator("王芳", make_id("500104", "19800101", 21))
    make_post(person, district.org_a)
    HostUnit.objects.create(name="新山村派出所", kind=HostUnitKind.POLICE, area=district.a, officer_count=25)
    session_model = apps.get_model("training", "TrainingSession")
    session_model.objects.create(
        code="QX-2023-01", name="区级培训", area=district.district, date=datetime.date(2023, 5, 10), hours=Decimal(4)
    )
    return users


@pytest.mark.parametrize("kind", KINDS)
@settings(suppress_health_check=FIXTURES)
@given(data=st.data())
def test_any_cell_in_any_column(kind, data, world, tmp_path):
    resource = resource_for(kind)
    columns = list(resource.columns().items())
    header = [("s", name) for name, _ in columns]
    pools = {name: plausible_values(f.widget) for name, f in columns}
    rows = [header]
    for _ in range(data.draw(st.integers(1, 3), label="rows")):
        rows.append(
            [
                data.draw(st.one_of(raw_cell(), st.sampled_from(pools[name] or ["x"]).map(lambda t: ("s", t))))
                for name, _ in columns
            ]
        )
    as_clerk = data.draw(st.booleans(), label="as clerk")
    before = counts()
    code, payload = run(kind, rawxlsx.workbook(rows), tmp_path, *(["--as", "clerk_a"] if as_clerk else []))
    check_contract(code, payload, before)


def damaged(draw, items: list[tuple[str, bytes]]) -> bytes:
    how = draw(st.sampled_from(["truncate", "flip", "rename", "duplicate", "drop", "huge", "far_cell", "stored_crc"]))
    if how == "truncate":
        data = rawxlsx.pack(items)
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "flip":
        data = bytearray(rawxlsx.pack(items))
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if how == "stored_crc":
        # an uncompressed sheet with one byte changed: the zip directory is fine, the CRC-32 is not
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, content in items:
                archive.writestr(name, content)
        data = bytearray(out.getvalue())
        at = data.find(b"<sheetData>") + draw(st.integers(0, 40))
        data[at] = (data[at] + 1) % 256
        return bytes(data)
    index = draw(st.integers(0, len(items) - 1))
    if how == "rename":
        name = draw(st.sampled_from(["xl/worksheets/sheet2.xml", "xl/Workbook.xml", "x", "../../x", "xl/styles.xml"]))
        items = [(name if i == index else n, c) for i, (n, c) in enumerate(items)]
    elif how == "duplicate":
        items = items + [(items[index][0], draw(st.sampled_from([items[index][1], b"", b"<x/>"])))]
    elif how == "drop":
        items = [item for i, item in enumerate(items) if i != index]
    elif how == "huge":
        dimension = draw(st.sampled_from(["A1:XFD1048576", "A1:ZZ300000", "A1:A999999999", "B2:A1", "A0:A0"]))
        items = [(n, c) if n != "xl/worksheets/sheet1.xml" else (n, _redimension(c, dimension)) for n, c in items]
    elif how == "far_cell":
        far = draw(st.sampled_from(["XFD1", "A1048576", "GS2", "AAA3", "A300000"]))
        items = [(n, c) if n != "xl/worksheets/sheet1.xml" else (n, _far_cell(c, far)) for n, c in items]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        return rawxlsx.pack(items)


def _redimension(sheet: bytes, dimension: str) -> bytes:
    start = sheet.index(b'<dimension ref="') + len(b'<dimension ref="')
    end = sheet.index(b'"', start)
    return sheet[:start] + dimension.encode() + sheet[end:]


def _far_cell(sheet: bytes, ref: str) -> bytes:
    row = "".join(ch for ch in ref if ch.isdigit())
    return sheet.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())


@settings(suppress_health_check=FIXTURES)
@given(data=st.data())
def test_any_damage_to_the_container(data, world, tmp_path):
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    resource = resource_for(kind)
    header = [("s", name) for name in resource.columns()]
    row = [("s", "演示") for _ in header]
    items = rawxlsx.entries([header, row])
    before = counts()
    code, payload = run(kind, damaged(data.draw, items), tmp_path)
    check_contract(code, payload, before)
