"""The import is set-based: its query count does not grow with the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.kernel.excel.engine import import_file
from tests.factories import make_id
from tests.registry.xlsx import xlsx

HEADER = ["姓名", "身份证号", "所属调解组织", "专兼职", "任职日期", "联系电话"]
ORGS = ["新山村街道人民调解委员会", "新山社区人民调解委员会"]


def roster(n: int, offset: int = 0) -> bytes:
    rows = [HEADER]
    for i in range(n):
        number = make_id(birth=f"19{60 + (offset + i) // 900:02d}0101", seq=(offset + i) % 900 + 1)
        rows.append([f"调解员{i}", number, ORGS[i % 2], "兼职", "2021-01-01", f"1380000{i:04d}"])
    return xlsx(rows)


def queries(data: bytes, user) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = import_file("mediators", data, user=user)
    assert not result.errors, result.errors[:3]
    return len(captured)


def test_first_import_and_reimport_queries_do_not_grow_with_rows(district, users):
    small, large = roster(10), roster(300, offset=10)
    first_small, first_large = queries(small, users.clerk_a), queries(large, users.clerk_a)
    again_small, again_large = queries(small, users.clerk_a), queries(large, users.clerk_a)
    # inserts are batched (SQLite takes ~90 rows per INSERT); nothing runs per row
    assert first_large - first_small < 300 / 20
    assert again_large == again_small <= 8
