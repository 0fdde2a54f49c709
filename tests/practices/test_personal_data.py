"""« Mes données »: the practices part of the export, and what an erasure leaves of the declarations."""

import json

import pytest

from learning_records.models import Statement
from practices import services
from practices.models import Declaration, FollowUp, Moderation, Sharing
from progress.services import personal_data
from tests.practices import helpers

pytestmark = pytest.mark.django_db

SIGNATURE = "signé Ombeline Quarzazate"


@pytest.fixture
def person(demo_user, settings):
    settings.PASSINNOV_FOLLOW_UP_DAYS = 60
    user = helpers.make_agent(first_name="Ombeline", last_name="Quarzazate")
    module = helpers.entry_module()
    helpers.attended_days_ago(user, module, 70)
    fiche = helpers.fiches_of(module)[0]
    shared = helpers.declare(user, fiche, account=f"Très utile, {SIGNATURE}", sharing=Sharing.NAMED)
    services.publish(shared, demo_user("moderateur"))
    helpers.declare(user, fiche, account="Notes pour moi seule")
    services.answer_follow_up(
        user, module, frequency="once", fiche_ids=[fiche.pk], obstacles=["time"], other_obstacle=f"Rien, {SIGNATURE}"
    )
    return user


def test_the_export_holds_the_declarations_and_the_follow_up(client, person):
    client.force_login(person)
    data = json.loads(client.get("/mon-parcours/mes-donnees/export.json").content)
    declarations = data["practice_declarations"]
    assert len(declarations) == 2
    assert {d["account"] for d in declarations} == {f"Très utile, {SIGNATURE}", "Notes pour moi seule"}
    assert {d["moderation"] for d in declarations} == {"published", ""}
    follow_up = data["follow_ups"][0]
    assert follow_up["frequency"] == "once" and follow_up["obstacles"] == ["other", "time"]  # the text is "other"
    assert follow_up["other_obstacle"] == f"Rien, {SIGNATURE}" and len(follow_up["fiches_used"]) == 1
    used = {s["id"] for s in data["statements"] if s["verb"]["id"].endswith("/use")}
    assert used == {d["statement"] for d in declarations}


def test_erasure_removes_what_the_agent_wrote_and_keeps_anonymous_facts(client, person, demo_user):
    fiche = Declaration.objects.filter(user=person).first().fiche
    own = set(
        Statement.objects.filter(actor_account_name=person.xapi_account_name).values_list("statement_id", flat=True)
    )
    erasure, _created = personal_data.request_erasure(person)
    done = personal_data.process(erasure, by=demo_user("admin"))
    assert {str(i) for i in own} == set(done.statement_ids)

    declarations = list(Declaration.objects.filter(user=person))
    assert len(declarations) == 2  # the uses still count for the fiche, anonymously
    for declaration in declarations:
        assert declaration.account == "" and declaration.sharing == Sharing.PRIVATE
        assert declaration.moderation == Moderation.NOT_SHARED and declaration.statement_id is None
    follow_up = FollowUp.objects.get(user=person)
    assert follow_up.other_obstacle == "" and follow_up.frequency == "once" and follow_up.statement_id is None
    for model in (Declaration, FollowUp):
        for row in model.objects.all():
            assert SIGNATURE not in json.dumps([str(getattr(row, f.attname)) for f in model._meta.concrete_fields])

    client.force_login(helpers.make_agent())
    html = helpers.text(client.get(fiche.url))
    assert SIGNATURE not in html and "Quarzazate" not in html
