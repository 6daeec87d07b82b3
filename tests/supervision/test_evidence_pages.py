"""The files sent with a step are listed and downloadable on the item's page, through the
permission checks; 核查 and 销号 show the feedback and its files on the same screen, and
销号 without evidence is refused there."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from luoshi.accounts.models import Profile
from luoshi.plans.models import Unit
from luoshi.supervision.choices import ItemState
from luoshi.supervision.services import accept_item, feed_back, start_check

from .conftest import EVIDENCE

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_verifier_sees_the_feedback_and_its_files_beside_the_buttons(people, make_item):
    item = make_item(ItemState.VERIFYING)
    verifier = signed_in(people["verifier"])
    html = verifier.get(f"/supervision/{item.pk}/").content.decode()
    feedback = html.split('id="feedback"')[1].split("</section>")[0]
    assert "管网已完工并通水" in feedback and EVIDENCE.name in feedback
    assert "核查通过、销号" in html.split('id="feedback"')[1]  # the button under it, same screen
    link = f"/supervision/{item.pk}/evidence/{item.evidence.get().pk}/"
    assert link in feedback
    response = verifier.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == EVIDENCE.content


def test_another_units_user_gets_404_for_the_file(people, make_item):
    item = make_item(ItemState.FED_BACK)
    link = f"/supervision/{item.pk}/evidence/{item.evidence.get().pk}/"
    outsider = get_user_model().objects.create_user("outsider", password="Luoshi@2025x")
    Profile.objects.create(user=outsider, role="reporter", unit=Unit.objects.get(name="县政务服务中心"))
    assert signed_in(outsider).get(link).status_code == 404
    assert signed_in(people["reporter_b"]).get(link).status_code == 200  # the lead unit's own
    assert signed_in(people["reporter_b"]).get(f"/supervision/{item.pk}/evidence/999999/").status_code == 404


def test_closing_without_evidence_is_refused_on_the_page(people, actors, make_item):
    item = make_item(ItemState.ASSIGNED)
    accept_item(actors["reporter_b"], item)
    feed_back(actors["reporter_b"], item, "已整改", [])
    start_check(actors["verifier"], item)
    verifier = signed_in(people["verifier"])
    html = verifier.get(f"/supervision/{item.pk}/").content.decode()
    assert "未附佐证材料" in html.split('id="feedback"')[1].split("</section>")[0]
    response = verifier.post(f"/supervision/{item.pk}/", {"action": "close", "comment": "同意"}, follow=True)
    assert "销号需要佐证材料" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.VERIFYING
