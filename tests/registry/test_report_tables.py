"""Report tables that fit (issue 15): cell classes for the stylesheet, long lists folded behind
their count, and what a printed page needs (title, scope, as-of date, generation time)."""

from __future__ import annotations

import re

from registry.kernel.reporting.tables import LIST_SHOWN, folded_list
from registry.models import Employment
from tests.factories import make_id, make_mediator, make_post


def test_a_short_list_is_plain_text():
    assert folded_list(["甲", "乙", "丙"][:LIST_SHOWN]) == "甲、乙、丙"


def test_a_long_list_shows_the_first_few_and_folds_the_rest_behind_its_count():
    html = str(folded_list(["甲", "乙", "丙", "丁", "戊"]))
    assert html.startswith("甲、乙、丙<details")
    assert "<summary>…共5项，展开</summary>丁、戊</details>" in html
    assert '<span class="print-only">、丁、戊</span>' in html  # a printed page shows them all


def test_staffing_page_folds_candidates_and_marks_number_cells(district, users, client_as):
    for n in range(6):
        make_post(make_mediator(f"兼职{n}", make_id(seq=60 + n)), district.org_a, employment=Employment.PART_TIME)
    html = client_as(users.bureau).get("/reports/staffing/").content.decode()
    assert "…共6项，展开" in html
    assert re.search(r'<td class="col-shortfall num">\s*2\s*</td>', html)
    assert '<th class="col-organization orderable text">' in html
    assert "范围：全区" in html and "生成时间" in html and "report-page wide" in html


def test_the_stylesheet_is_on_every_admin_page(users, client_as):
    html = client_as(users.clerk_a).get("/admin/registry/mediator/").content.decode()
    assert "registry/pages.css" in html
