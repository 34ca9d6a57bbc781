"""As-of date and target year (SPEC §4): --as-of defaults to today; --year Y alone is
Y-12-31, or today when that is earlier; the targets are those in force at the end of Y."""

import datetime

import pytest

from registry.kernel.policy import in_force
from registry.kernel.reporting import Rate, ReportError, resolve_period
from registry.policy import STAFFING_TARGETS

TODAY = datetime.date(2026, 11, 29)
D = datetime.date


@pytest.mark.parametrize(
    "as_of, year, expected",
    [
        (None, None, (TODAY, 2026)),
        (None, 2021, (D(2021, 12, 31), 2021)),
        (None, 2026, (TODAY, 2026)),  # the end of this year is later than today
        (None, 2030, (TODAY, 2030)),
        (D(2022, 5, 1), None, (D(2022, 5, 1), 2022)),
        (D(2022, 5, 1), 2021, (D(2022, 5, 1), 2021)),  # both: that day, the 2021 targets
    ],
)
def test_resolve_period(as_of, year, expected):
    assert resolve_period(as_of=as_of, year=year, today=TODAY) == expected


def test_absurd_year_is_refused_in_chinese():
    with pytest.raises(ReportError, match="年份“20211”无效"):
        resolve_period(year=20211, today=TODAY)


def test_targets_in_force_by_year():
    assert in_force(STAFFING_TARGETS, 2020) == {}
    assert in_force(STAFFING_TARGETS, 2021)["行业性专业性人民调解委员会"] == 0.5
    assert in_force(STAFFING_TARGETS, 2025)["行业性专业性人民调解委员会"] == 1  # 2022 onward


def test_rate_of_an_empty_category_is_one_and_not_short():
    rate = Rate.of("驻法院调解室", total=0, meeting=0, target=1)
    assert (rate.rate, rate.target, rate.short) == (1.0, 1.0, False)
    assert Rate.of("x", total=3, meeting=2, target=None).short is False
    assert Rate.of("x", total=4, meeting=3, target=0.8).short is True
