import hashlib
import json

import pytest
from django.test import Client

from progress.models import Badge, BadgeAward
from progress.services import badges, openbadges
from tests.progress.helpers import attend, entry_module, make_session, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    user = make_user("badgee", email="Badgee@Example.gouv.fr", first_name="Bérénice", last_name="Badgee")
    session = make_session(entry_module())
    attend(user, session)
    return BadgeAward.objects.get(user=user, badge__name=f"Module {session.module.title}")


def get_json(url, status=200):
    response = Client().get(url)  # anonymous: these pages are public
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    return response.json()


def test_issuer_profile():
    data = get_json("/mon-parcours/openbadges/emetteur.json")
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "Issuer"
    assert data["id"] == "http://testserver/mon-parcours/openbadges/emetteur.json"
    for field in ("name", "url", "email"):
        assert data[field]


def test_badge_class_and_its_public_image():
    badge = Badge.objects.get(name="PassInnov")
    data = get_json(f"/mon-parcours/openbadges/badges/{badge.activity_uuid}.json")
    assert data["type"] == "BadgeClass"
    assert data["id"].endswith(f"/openbadges/badges/{badge.activity_uuid}.json")
    assert data["name"] == "PassInnov"
    assert data["description"] and data["criteria"]["narrative"]
    assert data["issuer"] == "http://testserver/mon-parcours/openbadges/emetteur.json"
    image = Client().get(data["image"].replace("http://testserver", ""))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_assertion_has_every_required_field_and_no_personal_data(award):
    data = get_json(award.assertion_url().replace("http://testserver", ""))
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "Assertion"
    assert data["id"] == award.assertion_url()
    assert data["badge"] == award.badge.badge_class_url()
    assert data["verification"] == {"type": "hosted"}
    assert data["issuedOn"]
    recipient = data["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    expected = hashlib.sha256(("badgee@example.gouv.fr" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + expected
    text = json.dumps(data).lower()
    for personal in ("badgee@", "bérénice", award.user.xapi_account_name, award.user.username):
        assert personal.lower() not in text


def test_revoked_assertion_answers_410_with_its_reason(award, demo_user):
    badges.revoke(award, "Présence enregistrée par erreur.", by=demo_user("admin"))
    data = get_json(award.assertion_url().replace("http://testserver", ""), status=410)
    assert data["revoked"] is True
    assert data["revocationReason"] == "Présence enregistrée par erreur."
    assert "recipient" not in data


def test_unknown_assertion_is_404():
    assert (
        Client().get("/mon-parcours/openbadges/assertions/00000000-0000-0000-0000-000000000000.json").status_code == 404
    )


def test_baked_png_unbakes_to_the_assertion(award, client):
    client.force_login(award.user)
    response = client.get(f"/mon-parcours/badges/{award.uuid}/badge.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    png = response.content
    baked = json.loads(openbadges.unbake(png))
    assert baked == openbadges.assertion_json(award)
    # Exactly one openbadges iTXt chunk, before the image data, and Pillow still reads the image.
    kinds = [kind for kind, _data, _s, _e in openbadges.iter_chunks(png)]
    assert kinds.count(b"iTXt") == 1 and kinds.index(b"iTXt") < kinds.index(b"IDAT")
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png))
    image.load()
    assert json.loads(image.text["openbadges"])["id"] == award.assertion_url()
    # Baking again replaces the chunk instead of adding a second one.
    rebaked = openbadges.bake(png, award.assertion_url())
    assert openbadges.unbake(rebaked) == award.assertion_url()
    assert [k for k, *_r in openbadges.iter_chunks(rebaked)].count(b"iTXt") == 1


def test_only_the_recipient_downloads_the_baked_badge(award, client):
    client.force_login(make_user("someone-else"))
    assert client.get(f"/mon-parcours/badges/{award.uuid}/badge.png").status_code == 404
    client.logout()
    assert client.get(f"/mon-parcours/badges/{award.uuid}/badge.png").status_code == 302


def test_bake_refuses_what_is_not_a_png():
    with pytest.raises(ValueError):
        openbadges.bake(b"GIF89a...", "http://testserver/x")
