"""Amounts on the report page carry thousands separators (issue 14)."""

from registry.models import Employment
from subsidies.models import Payout, PayoutKind
from tests.factories import make_mediator, make_post


def test_subsidies_page_and_dashboard_show_separators(district, users, client_as):
    org = district.org_a
    person = make_mediator("钱多")
    make_post(person, org, Employment.FULL_TIME)
    Payout.objects.create(
        mediator=person, organization=org, area=org.area, kind=PayoutKind.POST, period="2021-05", amount="43800.50"
    )
    html = client_as(users.bureau).get("/reports/subsidies/", {"year": 2021}).content.decode()
    assert "43,800.50" in html and "43800.50" not in html
