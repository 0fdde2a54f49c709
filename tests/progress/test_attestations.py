import io

import pytest
from pypdf import PdfReader

from core.dates import long_date
from learning_records import events
from progress.models import Attestation
from tests.progress.helpers import attend, entry_module, make_session, make_user, other_modules

pytestmark = pytest.mark.django_db


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    # Whitespace normalised: long titles wrap over two lines of the table.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def trained(client):
    user = make_user("certifiee", first_name="Clémence", last_name="Durand")
    entry_session = make_session(entry_module(), days=-40, site="Lyon – Cité administrative")
    other_session = make_session(other_modules()[0], days=-12, site="Paris – Bercy")
    attend(user, entry_session)
    _reg, attended, completed = attend(user, other_session)
    client.force_login(user)
    return user, entry_session, other_session, attended, completed


def test_module_attestation_states_agent_module_date_duration_site_and_code(trained, client):
    user, entry_session, _other, _a, _c = trained
    response = client.get(f"/mon-parcours/attestations/modules/{entry_session.module.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    attestation = Attestation.objects.get(user=user, kind="module")
    assert "Attestation de formation" in text
    assert "Clémence Durand" in text
    assert entry_session.module.title in text
    assert "Lyon – Cité administrative" in text
    assert "1 h 30" in text
    assert long_date(entry_session.start) in text
    assert attestation.code in text
    assert attestation.verification_url() in text
    # The QR code of the verification URL is an image on the page.
    images = PdfReader(io.BytesIO(response.content)).pages[-1].images
    assert len(images) == 1
    import qrcode

    expected = qrcode.QRCode(border=1, box_size=4)
    expected.add_data(attestation.verification_url())
    expected.make(fit=True)
    expected_image = expected.make_image().get_image().convert("L")
    assert images[0].image.convert("L").tobytes() == expected_image.tobytes()
    # Asking again gives the same attestation.
    client.get(f"/mon-parcours/attestations/modules/{entry_session.module.pk}.pdf")
    assert Attestation.objects.filter(user=user, kind="module").count() == 1


def test_path_attestation_lists_every_completed_module(trained, client):
    _user, entry_session, other_session, _a, _c = trained
    text = pdf_text(client.get("/mon-parcours/attestations/parcours.pdf").content)
    assert entry_session.module.title in text and other_session.module.title in text
    assert "Durée totale : 3 h" in text


def test_no_attestation_for_a_module_not_completed(trained, client):
    module = other_modules()[1]
    response = client.get(f"/mon-parcours/attestations/modules/{module.pk}.pdf")
    assert response.status_code == 302
    assert not Attestation.objects.filter(module=module).exists()
    client.force_login(make_user("novice"))
    response = client.get("/mon-parcours/attestations/parcours.pdf", follow=True)
    assert "rien à attester" in response.content.decode()
    assert not Attestation.objects.filter(kind="path", user__username="novice").exists()


def test_verification_page_tells_genuine_current_superseded_and_outdated(trained, client):
    user, _entry, other_session, attended, completed = trained
    client.get("/mon-parcours/attestations/parcours.pdf")
    first = Attestation.objects.get(user=user, kind="path")
    page = client.get(f"/mon-parcours/attestations/verifier/{first.code}/").content.decode()
    assert "authentique et à jour" in page and "Clémence Durand" in page

    attend(user, make_session(other_modules()[1], days=-2))
    client.get("/mon-parcours/attestations/parcours.pdf")
    first.refresh_from_db()
    assert first.superseded
    page = client.get(f"/mon-parcours/attestations/verifier/{first.code}/").content.decode()
    assert "remplacée" in page

    client.get(f"/mon-parcours/attestations/modules/{other_session.module.pk}.pdf")
    module_attestation = Attestation.objects.get(user=user, module=other_session.module)
    events.void(attended)
    events.void(completed)
    page = client.get(f"/mon-parcours/attestations/verifier/{module_attestation.code}/").content.decode()
    assert "ne correspond plus" in page


def test_verification_form_handles_bad_and_unknown_codes(agent_client):
    response = agent_client.get("/mon-parcours/attestations/verifier/", {"code": "abc"})
    assert response.status_code == 400
    assert "20 lettres et chiffres" in response.content.decode()
    response = agent_client.get("/mon-parcours/attestations/verifier/", {"code": "aaaa bbbb cccc dddd eeee"})
    assert response.status_code == 302 and response.url.endswith("/AAAA-BBBB-CCCC-DDDD-EEEE/")
    response = agent_client.get(response.url)
    assert response.status_code == 404
    assert "Aucune attestation" in response.content.decode()


def test_verification_needs_a_signed_in_reader(client):
    assert client.get("/mon-parcours/attestations/verifier/AAAA-BBBB-CCCC-DDDD-EEEE/").status_code == 302


def test_attestation_says_1er_for_a_session_on_the_first_of_a_month(client):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from core.models import Location
    from training_sessions.models import Session

    user = make_user("premier-du-mois", first_name="Inès", last_name="Martin")
    start = datetime(2026, 9, 1, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    session = Session.objects.create(
        module=entry_module(),
        start=start,
        end=start + timedelta(minutes=90),
        location=Location.objects.get(name="Paris – Bercy"),
        capacity=12,
    )
    attend(user, session)
    client.force_login(user)
    text = pdf_text(client.get(f"/mon-parcours/attestations/modules/{session.module.pk}.pdf").content)
    assert "1er septembre 2026" in text and " 1 septembre" not in text
    code = Attestation.objects.get(user=user).code
    verify = client.get(f"/mon-parcours/attestations/verifier/{code}/").content.decode()
    assert "1er septembre 2026" in verify and " 1 septembre" not in verify
