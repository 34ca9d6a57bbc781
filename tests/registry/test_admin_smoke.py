import pytest

PAGES = ["area", "organization", "mediator", "membership", "expert", "hostunit"]


@pytest.mark.parametrize("model", PAGES)
def test_changelist_and_add_pages_render_for_bureau(users, client_as, model):
    client = client_as(users.bureau)
    assert client.get(f"/admin/registry/{model}/").status_code == 200
    assert client.get(f"/admin/registry/{model}/add/").status_code == 200


def test_index_is_chinese(users, client_as):
    body = client_as(users.clerk_a).get("/admin/").content.decode()
    assert "花名册" in body and "人民调解员" in body
