import datetime
from decimal import Decimal

from training.models import Attendance, TrainingSession

D = datetime.date


def test_honours_roll_shows_everything(brands, users, district, client_as):
    for code, day, hours in [("T1", D(2021, 3, 1), "4"), ("T2", D(2022, 3, 1), "2.5")]:
        session = TrainingSession.objects.create(
            code=code, name="调解技巧", area=district.district, date=day, hours=Decimal(hours)
        )
        Attendance.objects.create(session=session, mediator=brands.ma)
    response = client_as(users.hr).get(f"/branding/honours/{brands.ma.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "马大姐",
        "新山社区人民调解委员会",
        "老马工作室",
        "区优秀调解员",
        "市优秀调解员",
        "渝司发〔2021〕1号",
        "累计 6.5 学时",
        "window.print()",
        "@media print",
    ]:
        assert text in body, text
    # a collective commendation of another organization is not on a person's roll
    assert "全国模范人民调解委员会" not in body


def test_honours_roll_without_training_shows_zero(brands, users, client_as):
    body = client_as(users.bureau).get(f"/branding/honours/{brands.li.pk}/").content.decode()
    assert "老李工作室" in body and "累计 0 学时" in body and "暂无表彰记录" in body


def test_honours_roll_is_scoped(brands, users, client_as):
    assert client_as(users.clerk_a).get(f"/branding/honours/{brands.wang.pk}/").status_code == 404
    assert client_as(users.clerk_a).get(f"/branding/honours/{brands.ma.pk}/").status_code == 200
    assert client_as(users.clerk_b).get(f"/branding/honours/{brands.ma.pk}/").status_code == 404


def test_honours_roll_needs_a_login(brands, client):
    response = client.get(f"/branding/honours/{brands.ma.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unknown_mediator_is_404(users, client_as):
    assert client_as(users.bureau).get("/branding/honours/999999/").status_code == 404
