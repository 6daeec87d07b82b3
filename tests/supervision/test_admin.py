"""The Chinese admin of supervision items and projects opens, lists and shows an item."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/admin/supervision/supervisionitem/",
        "/admin/supervision/ledger/",
        "/admin/supervision/itemtransition/",
        "/admin/projects/project/",
        "/admin/projects/reconciliation/",
    ],
)
def test_admin_lists_open(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_admin_shows_an_item_with_its_history(admin_client, make_item):
    item = make_item("fed_back")
    page = admin_client.get(f"/admin/supervision/supervisionitem/{item.pk}/change/")
    assert page.status_code == 200
    assert "督办流转记录" in page.content.decode()
