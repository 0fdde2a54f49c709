import base64
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client

from accounts.models import FederatedIdentity
from learning_records import documents as xapi_documents
from learning_records.models import Credential, Document, Statement
from progress.models import Attestation, BadgeAward, ErasureRequest, PathChoice, Progress
from progress.services import attestations, personal_data
from progress.services.dashboard import choose_modules
from tests.progress.helpers import attend, entry_module, host, make_session, make_user, other_modules
from training_sessions.models import Evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    user = make_user(
        "gaspard.unique", first_name="Gaspardin", last_name="Zyxwvutsky", email="gaspardin.zyx@finances.gouv.fr"
    )
    registration, *_rest = attend(user, make_session(entry_module(), days=-20))
    Evaluation.objects.create(
        registration=registration,
        overall=5,
        content=5,
        facilitation=4,
        usefulness=5,
        comment="Merci, signé Gaspardin Zyxwvutsky",
    )
    choose_modules(user, [other_modules()[0].pk])
    # Another agent's attendance where our person was the instructor names them in that statement.
    attend(make_user("autre.agent"), make_session(entry_module(), days=-8), instructor=user)
    host(user, make_session(entry_module(), days=-8), "co-facilitator")
    attestations.issue(user, Attestation.Kind.PATH)
    FederatedIdentity.objects.create(user=user, issuer="https://proconnect.example/api/v2", subject="sub-gaspardin-42")
    # Where they left a video (State) and a preference an LMS keeps about them (Agent Profile).
    own = {"objectType": "Agent", "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": user.xapi_account_name}}
    lms, _secret = make_lms_credential()
    write_document("state", own, {"time": 42.5}, user=user, stateId="https://w3id.org/xapi/video")
    write_document("agent_profile", own, b"\xff\x00binary", credential=lms, profileId="preferences")
    return user


def make_lms_credential():
    credential = Credential(name="LMS", scopes=["all"])
    secret = credential.set_secret()
    credential.save()
    return credential, secret


def write_document(resource, agent, content, *, user=None, credential=None, **ids):
    from learning_records.auth import Caller

    params = {"agent": json.dumps(agent), **ids}
    if resource == "state":
        params["activityId"] = "http://example.org/activities/video"
    address, _since = xapi_documents.parse_address(resource, params, "PUT")
    content_type = "application/json" if isinstance(content, dict) else "application/octet-stream"
    body = json.dumps(content).encode() if isinstance(content, dict) else content
    headers = {} if resource == "state" else {"if_none_match": "*"}
    return xapi_documents.write(
        address, Caller(credential=credential, user=user), body, content_type, post=False, **headers
    )


def test_export_holds_everything_about_the_agent(person, client):
    client.force_login(person)
    response = client.get("/mon-parcours/mes-donnees/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["email"] == "gaspardin.zyx@finances.gouv.fr"
    assert data["profile"]["xapi_account_name"] == person.xapi_account_name
    assert len(data["registrations"]) == 1 and data["registrations"][0]["attendance"] == "present"
    assert data["evaluations"][0]["comment"].startswith("Merci")
    assert {p["status"] for p in data["progress"]} == {"completed", "planned"}
    assert data["badges"] and data["attestations"] and data["facilitations"]
    assert [p["subject"] for p in data["profile"]["identity_providers"]] == ["sub-gaspardin-42"]
    own = Statement.objects.filter(actor_account_name=person.xapi_account_name).count()
    assert len(data["statements"]) == own >= 4
    documents = {item["resource"]: item for item in data["xapi_documents"]}
    assert documents["state"]["content"] == {"time": 42.5}
    assert documents["state"]["id"] == "https://w3id.org/xapi/video"
    assert documents["agent_profile"]["content_base64"] == "/wBiaW5hcnk="


def test_agent_asks_for_erasure_once(person, client):
    client.force_login(person)
    assert client.get("/mon-parcours/mes-donnees/").status_code == 200
    response = client.post("/mon-parcours/mes-donnees/effacement/", {})
    assert response.status_code == 400
    assert not ErasureRequest.objects.exists()
    client.post("/mon-parcours/mes-donnees/effacement/", {"confirm": "on"})
    client.post("/mon-parcours/mes-donnees/effacement/", {"confirm": "on"})
    assert ErasureRequest.objects.filter(user=person, status="pending").count() == 1


def text_values(instance):
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField, models.JSONField, models.EmailField)):
            value = getattr(instance, field.attname)
            if value:
                yield field.name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def test_after_erasure_no_table_holds_the_agent(person, demo_user):
    account = person.xapi_account_name
    own_ids = {
        str(i) for i in Statement.objects.filter(actor_account_name=account).values_list("statement_id", flat=True)
    }
    award = BadgeAward.objects.filter(user=person).first()
    someone = {"account": {"homePage": settings.PASSINNOV_BASE_URL, "name": "someone-else"}}
    write_document("state", someone, {"time": 1}, credential=make_lms_credential()[0], stateId="kept")
    assert Document.objects.filter(agent_account_name=account).count() == 2
    erasure, _created = personal_data.request_erasure(person)
    done = personal_data.process(erasure, by=demo_user("admin"))
    assert set(done.statement_ids) == own_ids and own_ids
    # Their documents are gone (State, Agent Profile), another agent's remain.
    assert not Document.objects.filter(agent_account_name=account).exists()
    assert Document.objects.filter(document_id="kept").exists()

    needles = [
        "gaspard.unique",
        "Gaspardin",
        "Zyxwvutsky",
        "gaspardin.zyx@finances.gouv.fr",
        account,
        "sub-gaspardin-42",
    ]
    found = []
    for model in apps.get_models():
        for instance in model._default_manager.all().iterator():
            for name, value in text_values(instance):
                for needle in needles:
                    if needle.lower() in value.lower():
                        found.append((model._meta.label, name, needle))
    assert found == []
    person.refresh_from_db()
    assert not person.is_active and not person.has_usable_password()
    assert not Progress.objects.filter(user=person).exists()
    assert not PathChoice.objects.filter(user=person).exists()
    award.refresh_from_db()
    assert award.revoked and award.user is None
    assert Client().get(award.assertion_url().replace("http://testserver", "")).status_code == 410
    # The anonymous facts remain for the statistics.
    assert Evaluation.objects.filter(registration__user=person, overall=5, comment="").exists()
    with pytest.raises(personal_data.ErasureError):
        personal_data.process(done)


@pytest.fixture
def lrs_credential():
    def make(scopes):
        credential = Credential(name=f"LRS {scopes}", scopes=scopes)
        secret = credential.set_secret()
        credential.save()
        return "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode()

    return make


def test_erasure_list_for_the_lrs(person, lrs_credential):
    erasure, _created = personal_data.request_erasure(person)
    done = personal_data.process(erasure)
    client = Client()
    assert client.get("/mon-parcours/effacements.json").status_code == 401
    assert client.get("/mon-parcours/effacements.json", HTTP_AUTHORIZATION="Basic !!!").status_code == 401
    wrong = lrs_credential(["statements/write"])
    assert client.get("/mon-parcours/effacements.json", HTTP_AUTHORIZATION=wrong).status_code == 403
    reader = lrs_credential(["all/read"])
    data = client.get("/mon-parcours/effacements.json", HTTP_AUTHORIZATION=reader).json()
    assert data["erasures"][-1]["statement_ids"] == done.statement_ids
    bad = client.get("/mon-parcours/effacements.json", {"since": "hier"}, HTTP_AUTHORIZATION=reader)
    assert bad.status_code == 400
    later = client.get(
        "/mon-parcours/effacements.json", {"since": "2999-01-01T00:00:00+00:00"}, HTTP_AUTHORIZATION=reader
    )
    assert later.json() == {"erasures": []}


def test_process_erasure_command_and_admin_view(person, client_for):
    erasure, _created = personal_data.request_erasure(person)
    agent_client = Client()
    agent_client.force_login(person)
    admin = client_for("admin")
    assert admin.get("/admin/passinnov/effacements/").status_code == 200
    assert admin.get(f"/admin/passinnov/effacements/{erasure.pk}/").status_code == 200
    response = admin.post(f"/admin/passinnov/effacements/{erasure.pk}/")
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == "done"
    out = __import__("io").StringIO()
    call_command("process_erasure", "--list", stdout=out)
    assert json.loads(out.getvalue())["erasures"][-1]["statement_ids"] == erasure.statement_ids
    # The erased agent's session no longer works.
    assert agent_client.get("/mon-parcours/").status_code == 302


def test_only_administrators_reach_the_admin_views(client_for):
    editor = client_for("redacteur")
    assert editor.get("/admin/passinnov/effacements/").status_code in (302, 403)
    assert editor.get("/admin/passinnov/badges-decernes/").status_code in (302, 403)


def test_administrator_revokes_a_badge_with_a_reason(person, client_for):
    award = BadgeAward.objects.filter(user=person).first()
    admin = client_for("admin")
    assert admin.get("/admin/passinnov/badges-decernes/").status_code == 200
    response = admin.post(f"/admin/passinnov/badges-decernes/{award.pk}/revoquer/", {"reason": "  "})
    assert response.status_code == 400
    award.refresh_from_db()
    assert not award.revoked
    response = admin.post(f"/admin/passinnov/badges-decernes/{award.pk}/revoquer/", {"reason": "Erreur de saisie"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked and award.revocation_reason == "Erreur de saisie" and award.revocation_kind == "admin"


def test_the_erasure_list_leaves_out_voiding_statements(person, client_for, lrs_credential):
    """A facilitator's erasure: the voids written when they took back an attendance name them as actor; a
    LRS refuses to void a voiding statement, so the list leaves them out (they are still deleted here)."""
    from learning_records import events

    participant = make_user("participant.annule")
    _registration, attended, completed = attend(participant, make_session(other_modules()[0], days=-3))
    voids = [events.void(attended, reason_user=person), events.void(completed, reason_user=person)]
    own = set(
        str(i)
        for i in Statement.objects.filter(actor_account_name=person.xapi_account_name).values_list(
            "statement_id", flat=True
        )
    )
    assert {str(v.statement_id) for v in voids} <= own

    erasure, _created = personal_data.request_erasure(person)
    done = personal_data.process(erasure)
    assert set(done.statement_ids) == own - {str(v.statement_id) for v in voids}
    assert not Statement.objects.filter(statement_id__in=[v.statement_id for v in voids]).exists()
    listed = Client().get("/mon-parcours/effacements.json", HTTP_AUTHORIZATION=lrs_credential(["all/read"])).json()
    assert listed["erasures"][-1]["statement_ids"] == done.statement_ids
