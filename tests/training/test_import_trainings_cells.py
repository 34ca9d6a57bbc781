"""学时 cells that are no number a session can have are row errors, never a crash (issue 17)."""

import pytest

from training.resources import HoursWidget


@pytest.mark.parametrize("cell", [float("inf"), float("nan"), 1e27, 1e308, "1E+400", "#NUM!", -0.0, 1000])
def test_hours_that_are_no_finite_number_are_a_row_error(cell):
    with pytest.raises(ValueError, match="学时"):
        HoursWidget().clean(cell)


def test_hours_still_accept_what_clerks_type():
    assert str(HoursWidget().clean("２.5学时")) == "2.5"
    assert str(HoursWidget().clean(3.0)) == "3.0"
