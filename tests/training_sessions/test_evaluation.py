"""Evaluations: only after attendance, one per agent and session, editable 14 days; averages in the database."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from learning_records.models import Statement
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Evaluation, Registration
from training_sessions.templatetags.training_sessions_tags import module_rating_summary

pytestmark = pytest.mark.django_db
RATED = "http://id.tincanapi.com/verb/rated"
RATINGS = {"overall": 5, "content": 4, "facilitation": 5, "usefulness": 3}


@pytest.fixture
def attended_session(entry, animateur, internal):
    session = helpers.make_session(entry, days=1, facilitators=[(animateur, "lead", internal)])
    agent = helpers.make_agent()
    registration = services.register(agent, session)
    helpers.started_ago(session, timedelta(hours=2))
    services.mark_attendance(animateur, registration, "present")
    return session, agent


def test_an_attended_agent_rates_once_and_edits_for_14_days(attended_session):
    session, agent = attended_session
    evaluation = services.save_evaluation(agent, session, comment="  Très utile  ", **RATINGS)
    assert evaluation.comment == "Très utile"
    statement = Statement.objects.get(verb_id=RATED, actor_account_name=agent.xapi_account_name)
    assert statement.data["result"]["score"]["raw"] == 5
    assert services.pending_evaluations(agent).count() == 0

    changed = services.save_evaluation(agent, session, **(RATINGS | {"overall": 3}))
    assert changed.pk == evaluation.pk and Evaluation.objects.filter(registration__user=agent).count() == 1
    assert changed.overall == 3

    later = timezone.now() + timedelta(days=15)
    with pytest.raises(services.SessionError) as refused:
        services.save_evaluation(agent, session, now=later, **RATINGS)
    assert refused.value.code == "closed"
    assert Evaluation.objects.get(pk=evaluation.pk).overall == 3


def test_no_evaluation_without_attendance(entry_session):
    agent = helpers.make_agent()
    services.register(agent, entry_session)
    with pytest.raises(services.SessionError) as refused:
        services.save_evaluation(agent, entry_session, **RATINGS)
    assert refused.value.code == "not_attended"
    assert not Evaluation.objects.exists() or not Evaluation.objects.filter(registration__user=agent).exists()


@pytest.mark.parametrize("bad", [0, 6, "5", None])
def test_ratings_outside_1_to_5_are_refused(attended_session, bad):
    session, agent = attended_session
    with pytest.raises(services.SessionError):
        services.save_evaluation(agent, session, **(RATINGS | {"content": bad}))
    assert not Evaluation.objects.filter(registration__user=agent).exists()
    assert not Statement.objects.filter(verb_id=RATED, actor_account_name=agent.xapi_account_name).exists()


def _rated_session(module, facilitator, org, ratings, location="default", days=-10):
    session = helpers.make_session(module, days=days, facilitators=[(facilitator, "lead", org)], location=location)
    for overall in ratings:
        registration = Registration.objects.create(
            session=session, user=helpers.make_agent(), status="registered", attendance="present"
        )
        Evaluation.objects.create(registration=registration, overall=overall, content=4, facilitation=4, usefulness=4)
    return session


def test_averages_per_session_module_site_and_facilitator(later, animateur, internal):
    lyon = helpers.site("Lyon – Cité administrative")
    other = helpers.make_agent("facilitator-two")
    first = _rated_session(later, animateur, internal, [5, 4, 5])
    second = _rated_session(later, other, internal, [4, 4], location=lyon, days=-20)
    qs = Evaluation.objects.filter(registration__session__module=later)
    by_session = {row["registration__session"]: row for row in qs.by_session()}
    assert by_session[first.pk]["answers"] == 3 and round(by_session[first.pk]["average"], 2) == 4.67
    assert by_session[second.pk]["average"] == 4
    (module_row,) = qs.by_module()
    assert module_row["answers"] == 5 and module_row["average"] == pytest.approx(4.4)
    by_site = {row["registration__session__location"]: row for row in qs.by_site()}
    assert by_site[lyon.pk]["answers"] == 2
    by_facilitator = {row["registration__session__facilitations__user"]: row for row in qs.by_facilitator()}
    assert by_facilitator[animateur.pk]["answers"] == 3 and by_facilitator[other.pk]["answers"] == 2
    assert (
        Evaluation.objects.for_facilitator(animateur).filter(registration__session__module=later).summary()["answers"]
        == 3
    )


def test_the_module_rating_shows_with_five_answers_and_a_french_comma(later, animateur, internal):
    _rated_session(later, animateur, internal, [5, 4, 5, 4])
    template = Template('{% include "training_sessions/includes/module_rating.html" with module=module %}')
    assert module_rating_summary(later) is None
    assert "/5" not in template.render(Context({"module": later}))
    _rated_session(later, animateur, internal, [5], days=-5)
    html = template.render(Context({"module": later}))
    assert "4,6/5 · 5 avis" in html


def test_the_optional_comment_is_marked_once_in_french(attended_session, client):
    session, agent = attended_session
    client.force_login(agent)
    html = client.get(f"/sessions/{session.pk}/evaluation/").content.decode()
    label = " ".join(html.split('for="id_comment"', 1)[1].split("</label>", 1)[0].split(">", 1)[1].split())
    assert label.startswith("Commentaire (facultatif)")
    assert html.count("(facultatif)") == 1 and "(Optional)" not in html and "(optionnel)" not in html
