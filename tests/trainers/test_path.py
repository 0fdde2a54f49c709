"""The internal-trainer path: steps from statements, requests and their queue, promotions, feedback."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.roles import group_for
from learning_records.models import Statement
from learning_records.statements import extension_facilitator_role, mentored_statement_id
from learning_records.vocabulary import EXPERIENCED, MENTORED
from pilotage.models import TrainerProfile
from tests.home.editorial import count_queries
from tests.training_sessions import helpers
from trainers import services
from trainers.models import FacilitationRequest, Promotion, SessionObservation, TraineeFeedback
from training_sessions.models import Facilitation, Registration
from training_sessions.services import mark_attendance

pytestmark = pytest.mark.django_db
Status = TrainerProfile.Status


@pytest.fixture
def entry():
    return helpers.entry_module()


@pytest.fixture
def internal():
    return helpers.organisation("Mission innovation")


@pytest.fixture
def trainee(entry):
    """A nominated agent (no other role) who completed the entry module."""
    user = helpers.make_agent()
    helpers.attended(user, entry, days=-40)
    TrainerProfile.objects.create(user=user, status=Status.IN_TRAINING)
    return user


@pytest.fixture
def upcoming(entry, internal, demo_user):
    return helpers.make_session(entry, days=12, facilitators=[(demo_user("animateur"), "lead", internal)])


# --- The demo ------------------------------------------------------------------------------------------


def test_the_demo_has_one_trainee_at_each_step():
    statuses = dict(TrainerProfile.objects.values_list("user__username", "status"))
    assert statuses["demo.agent01"] == Status.IN_TRAINING
    assert statuses["mi.julie"] == Status.CO_FACILITATOR
    assert statuses["demo.agent02"] == Status.SUPERVISED_LEAD
    assert statuses["animateur"] == Status.LEAD
    observer = get_user_model().objects.get(username="demo.agent01")
    assert FacilitationRequest.objects.filter(trainee=observer, status="pending", kind="observe").exists()
    walker = get_user_model().objects.get(username="demo.agent02")
    facts = services.facts_of(walker)
    assert (facts.observed, facts.co_facilitated) == (1, services.co_facilitations_required())
    assert [p.to_status for p in Promotion.objects.filter(profile__user=walker).order_by("confirmed_at")] == [
        Status.CO_FACILITATOR,
        Status.SUPERVISED_LEAD,
    ]
    assert TraineeFeedback.objects.filter(trainee=walker).count() == 2


def test_the_demo_trainer_badge_for_co_facilitating_follows_the_step_rule():
    from progress.models import Badge

    badge = Badge.objects.get(rule=Badge.Rule.CO_FACILITATED)
    assert badge.count == services.co_facilitations_required()


# --- Where a trainee stands ----------------------------------------------------------------------------


def test_steps_come_from_the_statements_and_the_confirmed_step(demo_user):
    walker = demo_user("demo.agent02")
    steps = services.path_steps(walker.trainer_profile, services.facts_of(walker))
    assert [s["state"] for s in steps] == ["done", "done", "current", "todo"]
    assert steps[2]["count"] == 0 and steps[2]["required"] == 1


def test_a_lead_with_someone_else_in_the_team_counts_as_under_supervision(entry, internal, demo_user):
    walker = demo_user("demo.agent02")
    session = helpers.make_session(
        entry, days=-3, facilitators=[(walker, "lead", internal), (demo_user("animateur"), "co-facilitator", internal)]
    )
    services_record(session)
    facts = services.facts_of(walker)
    assert (facts.led, facts.led_supervised) == (1, 1)
    assert services.proposed_step(walker.trainer_profile, facts) == Status.LEAD


def services_record(session):
    from training_sessions.services import record_hosting

    record_hosting(session, timestamp=session.end)


def test_the_path_page_is_the_trainees_own(client_for, trainee, client):
    assert client_for("agent").get("/devenir-formateur/").status_code == 403
    client.force_login(trainee)
    html = client.get("/devenir-formateur/").content.decode()
    assert "Observer une session" in html and "Demander à observer une session" in html
    assert "Kit d’animation – Intelligence collective" in html.replace("&#x27;", "’").replace("'", "’")


@pytest.mark.parametrize("username, shown", [("agent", False), ("demo.agent01", True), ("demo.agent02", True)])
def test_mon_parcours_shows_the_trainer_path_to_nominated_agents(client_for, username, shown):
    html = client_for(username).get("/mon-parcours/").content.decode()
    assert ("Mon parcours de formateur" in html) is shown


def test_facilitator_sessions_carry_the_facilitation_rating(client_for, demo_user):
    walker = demo_user("demo.agent02")
    rows = list(services.facilitated_sessions(walker))
    assert len(rows) == services.co_facilitations_required()
    html = client_for("demo.agent02").get("/devenir-formateur/").content.decode()
    assert "Note de l'animation" in html or "Note de l’animation" in html
    rated = [row for row in rows if row.answers]
    for row in rated:
        assert 1 <= row.facilitation_average <= 5


# --- Requests ------------------------------------------------------------------------------------------


def test_a_trainee_asks_to_observe_and_the_training_department_accepts(
    client, client_for, trainee, upcoming, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    response = client.post("/devenir-formateur/demander/", {"session": upcoming.pk, "message": "Je veux voir."})
    assert response.status_code == 302
    request = FacilitationRequest.objects.get(trainee=trainee)
    assert (request.kind, request.status) == ("observe", "pending")

    queue = client_for("formation")
    assert trainee.display_name in queue.get("/devenir-formateur/file/").content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queue.post(f"/devenir-formateur/demandes/{request.pk}/decision/", {"decision": "accept"})
    request.refresh_from_db()
    assert request.status == "accepted"
    assert SessionObservation.objects.filter(session=upcoming, user=trainee).exists()
    assert not Facilitation.objects.filter(session=upcoming, user=trainee).exists()  # no right on the session
    assert [m.to for m in mail.outbox] == [[trainee.email]]
    assert "acceptée" in mail.outbox[0].subject


def test_the_observed_statement_is_written_when_attendance_is_marked(trainee, upcoming, demo_user):
    SessionObservation.objects.create(session=upcoming, user=trainee)
    participant = helpers.make_agent()
    registration = Registration.objects.create(session=upcoming, user=participant, status="registered")
    helpers.started_ago(upcoming)
    upcoming.refresh_from_db()
    mark_attendance(demo_user("animateur"), registration, "present")
    statement = Statement.objects.get(actor_account_name=trainee.xapi_account_name, verb_id=EXPERIENCED)
    assert statement.trusted
    assert statement.data["context"]["extensions"][extension_facilitator_role()] == "observer"
    assert statement.object_activity_id == upcoming.xapi_activity_id
    mark_attendance(demo_user("animateur"), registration, "absent")
    assert Statement.objects.filter(actor_account_name=trainee.xapi_account_name, verb_id=EXPERIENCED).count() == 1
    assert services.facts_of(trainee).observed == 1


def test_co_facilitating_needs_the_facilitator_role(trainee, upcoming, demo_user):
    trainee.trainer_profile.status = Status.CO_FACILITATOR
    trainee.trainer_profile.save()
    request = services.ask(trainee, upcoming, "Je suis prêt.")
    assert request.kind == "co-facilitate"
    with pytest.raises(services.TrainerError) as error:
        services.accept(request, demo_user("formation"))
    assert error.value.code == "no_role"
    assert not Facilitation.objects.filter(session=upcoming, user=trainee).exists()

    trainee.groups.add(group_for("facilitators"))
    trainee = get_user_model().objects.get(pk=trainee.pk)
    services.accept(request, demo_user("formation"))
    facilitation = Facilitation.objects.get(session=upcoming, user=trainee)
    assert facilitation.role == "co-facilitator" and facilitation.organisation.kind == "internal"


def test_a_refusal_needs_a_reason_and_tells_the_trainee(
    client_for, trainee, upcoming, django_capture_on_commit_callbacks
):
    request = services.ask(trainee, upcoming, "Je veux voir.")
    queue = client_for("formation")
    queue.post(f"/devenir-formateur/demandes/{request.pk}/decision/", {"decision": "refuse", "reason": ""})
    request.refresh_from_db()
    assert request.status == "pending"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queue.post(
            f"/devenir-formateur/demandes/{request.pk}/decision/", {"decision": "refuse", "reason": "Session complète."}
        )
    request.refresh_from_db()
    assert request.status == "refused" and request.reason == "Session complète."
    assert "Session complète." in mail.outbox[0].body


@pytest.mark.parametrize(
    "setup, code",
    [
        ("not_completed", "not_completed"),
        ("registered", "registered"),
        ("twice", "duplicate"),
        ("empty", "message"),
    ],
)
def test_bad_requests_are_refused_in_french_and_change_nothing(trainee, upcoming, later_module, setup, code):
    session, message = upcoming, "Bonjour"
    if setup == "not_completed":
        session = helpers.make_session(later_module, days=15)
    elif setup == "registered":
        Registration.objects.create(session=upcoming, user=trainee, status="registered")
    elif setup == "twice":
        services.ask(trainee, upcoming, "Bonjour")
    elif setup == "empty":
        message = "  "
    before = FacilitationRequest.objects.count()
    with pytest.raises(services.TrainerError) as error:
        services.ask(trainee, session, message)
    assert error.value.code == code
    assert FacilitationRequest.objects.count() == before


@pytest.fixture
def later_module(entry):
    return helpers.later_module()


def test_an_agent_cannot_ask_or_decide(client_for, upcoming):
    request = FacilitationRequest.objects.filter(status="pending").first()
    agent = client_for("agent")
    assert agent.post("/devenir-formateur/demander/", {"session": upcoming.pk, "message": "x"}).status_code == 403
    assert agent.post(f"/devenir-formateur/demandes/{request.pk}/decision/", {"decision": "accept"}).status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_trainee_registered_since_asking_is_not_accepted(trainee, upcoming, demo_user):
    request = services.ask(trainee, upcoming, "Je veux voir.")
    Registration.objects.create(session=upcoming, user=trainee, status="registered")
    with pytest.raises(services.TrainerError) as error:
        services.accept(request, demo_user("formation"))
    assert error.value.code == "registered"
    request.refresh_from_db()
    assert request.status == "pending"
    assert not SessionObservation.objects.filter(session=upcoming, user=trainee).exists()


def test_nobody_decides_on_their_own_request(trainee, upcoming, demo_user):
    formation = demo_user("formation")
    TrainerProfile.objects.create(user=formation)
    helpers.attended(formation, upcoming.module, days=-50)
    request = services.ask(formation, upcoming, "Moi aussi.")
    with pytest.raises(services.TrainerError) as error:
        services.accept(request, formation)
    assert error.value.code == "own"


# --- Promotions ----------------------------------------------------------------------------------------


def test_a_met_rule_is_proposed_and_a_person_confirms_it(client_for, demo_user, django_capture_on_commit_callbacks):
    julie = demo_user("mi.julie")
    assert julie.pk in [row["profile"].user_id for row in services.proposals()]
    queue = client_for("formation")
    assert "Confirmer l’étape suivante" in queue.get("/devenir-formateur/file/").content.decode().replace("'", "’")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queue.post(f"/devenir-formateur/formateurs/{julie.trainer_profile.pk}/etape-suivante/")
    julie.trainer_profile.refresh_from_db()
    assert julie.trainer_profile.status == Status.SUPERVISED_LEAD
    assert Promotion.objects.get(profile=julie.trainer_profile).confirmed_by == demo_user("formation")
    assert [m.to for m in mail.outbox] == [[julie.email]]


def test_a_step_whose_rule_is_not_met_is_not_confirmed(demo_user):
    profile = demo_user("demo.agent01").trainer_profile
    with pytest.raises(services.TrainerError) as error:
        services.confirm_promotion(profile, demo_user("formation"))
    assert error.value.code == "not_met"
    profile.refresh_from_db()
    assert profile.status == Status.IN_TRAINING


# --- Feedback ------------------------------------------------------------------------------------------


@pytest.fixture
def co_facilitated(entry, internal, demo_user):
    """A session animateur led yesterday with demo.agent02 (a trainee with the facilitator role) beside."""
    walker = demo_user("demo.agent02")
    session = helpers.make_session(
        entry, days=-1, facilitators=[(demo_user("animateur"), "lead", internal), (walker, "co-facilitator", internal)]
    )
    return session, walker


def test_the_lead_gives_feedback_only_the_trainee_and_training_read_it(client_for, co_facilitated):
    session, walker = co_facilitated
    lead = client_for("animateur")
    assert (
        f"/devenir-formateur/retours/{session.pk}/{walker.pk}/"
        in lead.get("/devenir-formateur/retours/").content.decode()
    )
    response = lead.post(
        f"/devenir-formateur/retours/{session.pk}/{walker.pk}/",
        {"went_well": "Cadre clair, bon rythme.", "to_work_on": "Reformuler moins vite."},
    )
    assert response.status_code == 302
    feedback = TraineeFeedback.objects.get(session=session, trainee=walker)
    assert feedback.author.username == "animateur"

    statement = Statement.objects.get(
        statement_id=mentored_statement_id(walker.xapi_account_name, session.xapi_activity_id)
    )
    assert statement.verb_id == MENTORED and statement.data["object"]["account"]["name"] == walker.xapi_account_name
    assert "Cadre clair" not in str(statement.data) and "Reformuler" not in str(statement.data)
    assert statement.data["context"]["extensions"][extension_facilitator_role()] == "co-facilitator"

    assert "Cadre clair" in client_for("demo.agent02").get("/devenir-formateur/").content.decode()
    training_page = client_for("formation").get(f"/devenir-formateur/formateurs/{walker.trainer_profile.pk}/")
    assert "Cadre clair" in training_page.content.decode()
    for username in ("agent", "admin", "mi.julie"):
        assert (
            client_for(username).get(f"/devenir-formateur/formateurs/{walker.trainer_profile.pk}/").status_code == 403
        )
    assert "Cadre clair" not in client_for("mi.julie").get("/devenir-formateur/").content.decode()


def test_feedback_is_given_once_by_the_lead_after_the_session(client_for, co_facilitated, demo_user):
    session, walker = co_facilitated
    assert client_for("mi.julie").get(f"/devenir-formateur/retours/{session.pk}/{walker.pk}/").status_code == 403
    services.give_feedback(demo_user("animateur"), session, walker, went_well="a", to_work_on="b")
    with pytest.raises(services.TrainerError) as error:
        services.give_feedback(demo_user("animateur"), session, walker, went_well="a", to_work_on="b")
    assert error.value.code == "duplicate"
    other = helpers.make_agent()
    with pytest.raises(services.TrainerError):
        services.give_feedback(demo_user("animateur"), session, other, went_well="a", to_work_on="b")


# --- Bounded queries -----------------------------------------------------------------------------------


def test_the_new_pages_cost_the_same_whatever_the_number_of_requests_and_sessions(
    client_for, entry, internal, demo_user
):
    urls = {
        "demo.agent02": ["/devenir-formateur/", "/devenir-formateur/demander/"],
        "formation": [
            "/devenir-formateur/file/",
            f"/devenir-formateur/formateurs/{demo_user('demo.agent02').trainer_profile.pk}/",
        ],
        "animateur": ["/devenir-formateur/retours/"],
    }
    for u, links in urls.items():  # first requests fill per-process caches (site, user profile)
        for url in links:
            count_queries(client_for(u), url)
    before = {(u, url): count_queries(client_for(u), url) for u, links in urls.items() for url in links}
    walker = demo_user("demo.agent02")
    for days in (-5, -6, -7):
        helpers.make_session(
            entry,
            days=days,
            facilitators=[(demo_user("animateur"), "lead", internal), (walker, "co-facilitator", internal)],
        )
    for _index in range(3):
        agent = helpers.make_agent()
        helpers.attended(agent, entry, days=-40)
        TrainerProfile.objects.create(user=agent)
        services.ask(agent, helpers.make_session(entry, days=20), "Bonjour")
    for u, links in urls.items():  # the data changed: the first requests rebuild the cached fragments
        for url in links:
            count_queries(client_for(u), url)
    after = {(u, url): count_queries(client_for(u), url) for u, links in urls.items() for url in links}
    assert after == before


# --- A nominated trainee without any other role, at every new URL -------------------------------------


def test_a_trainee_without_any_other_role_reaches_their_own_pages_only(client_for, demo_user, co_facilitated):
    session, walker = co_facilitated
    pending = FacilitationRequest.objects.filter(status="pending").first()
    client = client_for("demo.agent01")
    expected = {
        "/devenir-formateur/": 200,
        "/devenir-formateur/demander/": 200,
        "/devenir-formateur/file/": 403,
        f"/devenir-formateur/formateurs/{walker.trainer_profile.pk}/": 403,
        "/devenir-formateur/retours/": 403,
        f"/devenir-formateur/retours/{session.pk}/{walker.pk}/": 403,
    }
    assert {url: client.get(url).status_code for url in expected} == expected
    profile = demo_user("demo.agent01").trainer_profile
    assert client.post(f"/devenir-formateur/formateurs/{profile.pk}/etape-suivante/").status_code == 403
    assert client.post(f"/devenir-formateur/demandes/{pending.pk}/decision/", {"decision": "accept"}).status_code == 403
