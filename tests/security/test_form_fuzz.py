"""Every form of the site, fuzzed with hostile values: never a 5xx, and a refused request changes nothing.

A request is refused when it answers 4xx, or redirects with an error message; a GET (filters, search) never
changes anything. Examples per form: EXAMPLES in the normal suite, PASSINNOV_FUZZ_EXAMPLES for a longer run
(tests/fuzzing.py, docs/developing.md).
"""

from datetime import timedelta

import pytest
from django.contrib.messages import constants
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from learning_records.models import Statement
from pilotage.models import TrainerProfile
from practices.models import Declaration, FollowUp, Sharing
from progress.models import Attestation, ErasureRequest, PathChoice
from tests.fuzzing import database_settings, hostile_form
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Evaluation, Facilitation, Registration, Session

pytestmark = pytest.mark.django_db

EXAMPLES = 25


def fingerprint():
    """What a refused request must leave exactly as it was."""
    return (
        Registration.objects.aggregate(
            n=Count("pk"), registered=Count("pk", filter=Q(status="registered")), present=Count("attendance")
        ),
        Evaluation.objects.aggregate(n=Count("pk"), total=Sum("overall"), updated=Max("updated_at")),
        Statement.objects.aggregate(n=Count("pk"), last=Max("stored")),
        PathChoice.objects.count(),
        ErasureRequest.objects.count(),
        Attestation.objects.count(),
        list(TrainerProfile.objects.order_by("pk").values_list("pk", "status")),
        Facilitation.objects.count(),
        list(Session.objects.order_by("pk").values_list("pk", "status", "capacity", "start")),
        Declaration.objects.aggregate(n=Count("pk"), updated=Max("updated_at")),
        list(Declaration.objects.order_by("pk").values_list("pk", "moderation")),
        FollowUp.objects.aggregate(n=Count("pk"), answered=Max("answered_at")),
    )


def error_messages(response):
    storage = getattr(response.wsgi_request, "_messages", None)
    return [m for m in getattr(storage, "_queued_messages", []) if m.level >= constants.WARNING]


def check(response, before, *, changes_allowed):
    assert response.status_code < 500, response.status_code
    refused = response.status_code >= 400 or (response.status_code == 302 and error_messages(response))
    if refused or not changes_allowed:
        assert fingerprint() == before


def post(client, url, data):
    return client.post(url, data)


# --- Sessions ---------------------------------------------------------------------------------------------


@pytest.fixture
def sessions(entry, later, animateur, internal):
    """An open session, a full one, one that started an hour ago (attendance), with registered agents."""
    open_session = helpers.make_session(entry, days=10, facilitators=[(animateur, "lead", internal)])
    full = helpers.make_session(later, days=12, capacity=1, facilitators=[(animateur, "lead", internal)])
    started = helpers.make_session(entry, days=3, facilitators=[(animateur, "lead", internal)])
    attendees = [helpers.make_agent() for _ in range(2)]
    for agent in attendees:
        services.register(agent, started)
    helpers.started_ago(started)
    services.mark_attendance(animateur, Registration.objects.get(session=started, user=attendees[0]), "present")
    return {"open": open_session, "full": full, "started": started, "attendees": attendees}


def session_pk(sessions):
    return st.one_of(
        st.sampled_from(["open", "full", "started"]).map(lambda key: sessions[key].pk),
        st.sampled_from([0, 999_999, 2**31, 2**63 - 1]),
    )


@database_settings(EXAMPLES)
@given(data=st.data())
def test_registration_and_cancellation(client, sessions, data):
    agent = sessions["attendees"][1]
    client.force_login(agent)
    pk = data.draw(session_pk(sessions))
    action = data.draw(st.sampled_from(["register", "unregister"]))
    form = data.draw(hostile_form(["session", "status"]))
    before = fingerprint()
    response = post(client, f"/sessions/{pk}/{'inscription' if action == 'register' else 'desinscription'}/", form)
    check(response, before, changes_allowed=True)


@database_settings(EXAMPLES)
@given(data=st.data())
def test_evaluation(client, sessions, data):
    client.force_login(sessions["attendees"][data.draw(st.integers(0, 1))])
    pk = data.draw(session_pk(sessions))
    form = data.draw(hostile_form(["overall", "content", "facilitation", "usefulness", "comment"]))
    before = fingerprint()
    check(post(client, f"/sessions/{pk}/evaluation/", form), before, changes_allowed=True)


@database_settings(EXAMPLES)
@given(data=st.data())
def test_attendance(client, sessions, animateur, data):
    client.force_login(animateur)
    pk = data.draw(session_pk(sessions))
    registrations = list(Registration.objects.filter(session=sessions["started"]).values_list("pk", flat=True))
    form = data.draw(hostile_form(["registration", "attendance"]))
    if data.draw(st.booleans()):
        form["registration"] = str(data.draw(st.sampled_from(registrations)))
    before = fingerprint()
    check(post(client, f"/sessions/{pk}/presence/", form), before, changes_allowed=True)


@database_settings(EXAMPLES)
@given(query=hostile_form(["module", "site", "month", "page"], extra=False))
def test_session_list_filter(agent_client, query):
    before = fingerprint()
    check(agent_client.get("/sessions/", query), before, changes_allowed=False)


# --- Mon parcours and personal data -------------------------------------------------------------------------


@database_settings(EXAMPLES)
@given(form=hostile_form(["modules"], multiple=["modules"]))
def test_path_choice(agent_client, form):
    before = fingerprint()
    check(post(agent_client, "/mon-parcours/", form), before, changes_allowed=True)


@database_settings(EXAMPLES)
@given(form=hostile_form(["confirm"]))
def test_erasure_request(client, form):
    client.force_login(helpers.make_agent())
    before = fingerprint()
    check(post(client, "/mon-parcours/mes-donnees/effacement/", form), before, changes_allowed=True)


@database_settings(EXAMPLES)
@given(query=hostile_form(["code"], extra=False))
def test_attestation_verification(agent_client, query):
    before = fingerprint()
    check(agent_client.get("/mon-parcours/attestations/verifier/", query), before, changes_allowed=False)


# --- Practices: uses of fiches, follow-up, moderation of shared accounts ------------------------------------

DECLARATION_FIELDS = ["used_on", "team_size", "audience", "setting", "rating", "account", "sharing"]


@database_settings(EXAMPLES)
@example(
    form={
        "used_on": "9999-12-31",
        "team_size": "6-12",
        "audience": "own_team",
        "setting": "meeting",
        "rating": "4",
        "sharing": "private",
    }
)
@given(form=hostile_form(DECLARATION_FIELDS, dates=["used_on"]))
def test_declaring_and_editing_a_use(client, form):
    from tests.practices import helpers as practices_helpers

    agent = helpers.make_agent()
    client.force_login(agent)
    fiche = practices_helpers.fiche()
    own = practices_helpers.declare(agent, fiche)
    before = fingerprint()
    check(post(client, f"/pratiques/fiches/{fiche.pk}/je-l-ai-utilisee/", form), before, changes_allowed=True)
    before = fingerprint()
    check(post(client, f"/pratiques/declarations/{own.pk}/modifier/", form), before, changes_allowed=True)
    before = fingerprint()
    check(post(client, f"/pratiques/declarations/{own.pk}/retirer/", form), before, changes_allowed=True)


@database_settings(EXAMPLES)
@given(form=hostile_form(["frequency", "fiches", "obstacles", "other_obstacle"], multiple=["fiches", "obstacles"]))
def test_follow_up_answer(client_for, entry, form):
    before = fingerprint()
    check(post(client_for("agent2"), f"/pratiques/suivi/{entry.pk}/", form), before, changes_allowed=True)


@database_settings(EXAMPLES)
@given(form=hostile_form(["reason"]), action=st.sampled_from(["publier", "refuser"]))
def test_moderation_of_a_shared_account(client_for, form, action):
    from tests.practices import helpers as practices_helpers

    shared = practices_helpers.declare(helpers.make_agent(), account="Récit", sharing=Sharing.ANONYMOUS)
    before = fingerprint()
    response = post(client_for("moderateur"), f"/admin/passinnov/recits/{shared.pk}/{action}/", form)
    check(response, before, changes_allowed=True)


# --- The training department -------------------------------------------------------------------------------

DASHBOARD_FILTERS = ["date_from", "date_to", "module", "site"]
DASHBOARD_DATES = ["date_from", "date_to"]


@database_settings(EXAMPLES)
@example(query={"date_to": "9999-12-31"}, who="formation")
@example(query={"date_from": "0001-01-01", "date_to": "0001-01-01"}, who="animateur")
@given(
    query=hostile_form(DASHBOARD_FILTERS, dates=DASHBOARD_DATES, extra=False),
    who=st.sampled_from(["formation", "animateur"]),
)
def test_dashboard_filters(client_for, query, who):
    before = fingerprint()
    check(client_for(who).get("/pilotage/", query), before, changes_allowed=False)


@database_settings(EXAMPLES)
@example(query={"date_to": "9999-12-31"}, kind="inscriptions", fmt="xlsx")
@given(
    query=hostile_form(DASHBOARD_FILTERS, dates=DASHBOARD_DATES, extra=False),
    kind=st.sampled_from(["inscriptions", "presences", "evaluations", "inconnu", "x" * 60]),
    fmt=st.sampled_from(["csv", "xlsx", "pdf"]),
)
def test_exports(client_for, query, kind, fmt):
    before = fingerprint()
    check(client_for("formation").get(f"/pilotage/exports/{kind}.{fmt}", query), before, changes_allowed=False)


@database_settings(EXAMPLES)
@given(query=hostile_form(["q"], extra=False))
def test_trainer_search(client_for, query):
    before = fingerprint()
    check(client_for("formation").get("/pilotage/formateurs/", query), before, changes_allowed=False)


@database_settings(EXAMPLES)
@given(
    form=hostile_form(["agent", "status"]),
    status_form=hostile_form(["status"]),
    pk=st.sampled_from([0, 2**63 - 1, None]),
)
def test_trainer_nomination_and_status(client_for, form, status_form, pk):
    client = client_for("formation")
    before = fingerprint()
    check(post(client, "/pilotage/formateurs/", form), before, changes_allowed=True)
    profile = pk if pk is not None else TrainerProfile.objects.values_list("pk", flat=True).first()
    before = fingerprint()
    check(post(client, f"/pilotage/formateurs/{profile}/statut/", status_form), before, changes_allowed=True)


@database_settings(EXAMPLES)
@example(query={"start_from": "0001-01-01", "start_to": "9999-12-31", "module": str(2**63)})
@given(
    query=hostile_form(
        ["start_from", "start_to", "location", "facilitation_mode", "module", "status", "p", "ordering"],
        dates=["start_from", "start_to"],
        extra=False,
    )
)
def test_admin_session_filters(client_for, query):
    before = fingerprint()
    url = reverse("wagtailsnippets_training_sessions_session:list")
    check(client_for("formation").get(url, query), before, changes_allowed=False)


# The filters of the project's other admin listings (sites, organisations, badges, xAPI credentials).
ADMIN_LISTINGS = {
    "wagtailsnippets_core_location:list": ["region", "is_remote"],
    "wagtailsnippets_core_organisation:list": ["kind"],
    "wagtailsnippets_progress_badge:list": ["rule", "active"],
    "wagtailsnippets_learning_records_credential:list": ["trusted", "active"],
}


@database_settings(EXAMPLES)
@example(data=None, listing="wagtailsnippets_core_location:list")  # searched and filtered: answered 500
@given(data=st.data(), listing=st.sampled_from(sorted(ADMIN_LISTINGS)))
def test_admin_listing_filters(client_for, data, listing):
    fields = [*ADMIN_LISTINGS[listing], "p", "ordering", "q"]
    query = data.draw(hostile_form(fields, extra=False)) if data else {"q": "Paris", "region": "x", "is_remote": "true"}
    before = fingerprint()
    check(client_for("admin").get(reverse(listing), query), before, changes_allowed=False)


# --- Content: fiches filters, search, sign in --------------------------------------------------------------


@database_settings(EXAMPLES)
@given(query=hostile_form(["tag", "theme", "duration", "group_size", "page"], extra=False))
def test_fiches_filters(agent_client, query):
    before = fingerprint()
    check(agent_client.get("/fiches-pratiques/", query), before, changes_allowed=False)


@database_settings(EXAMPLES)
@given(query=hostile_form(["q", "page"], extra=False))
def test_search(agent_client, query):
    before = fingerprint()
    check(agent_client.get("/recherche/", query), before, changes_allowed=False)


@database_settings(EXAMPLES)
@given(form=hostile_form(["username", "password", "next"]))
def test_login(client, form):
    before = fingerprint()
    response = client.post("/connexion/", form)
    assert response.status_code < 500
    assert fingerprint() == before
    assert "_auth_user_id" not in client.session


@database_settings(EXAMPLES)
@given(form=hostile_form(["email"]))
def test_password_reset_request(client, form):
    before = fingerprint()
    check(client.post("/mot-de-passe/oubli/", form), before, changes_allowed=False)


def test_an_out_of_range_date_is_a_french_form_error(client_for):
    """The defect found: /pilotage/?date_to=9999-12-31 answered 500 (a date past the calendar's end)."""
    client = client_for("formation")
    for query in (
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "2026-01-01", "date_to": "9999-12-31"},
    ):
        response = client.get("/pilotage/", query)
        assert response.status_code == 400
        assert "Choisissez une date entre le 1er janvier 2000 et le 31 décembre 2099" in response.content.decode()
        export = client.get("/pilotage/exports/inscriptions.csv", query)
        assert export.status_code == 302 and "exports" not in export["Location"]


def test_the_admin_session_filter_refuses_dates_out_of_range(client_for):
    url = reverse("wagtailsnippets_training_sessions_session:list")
    response = client_for("formation").get(url, {"start_from": "0001-01-01", "start_to": "9999-12-31"})
    assert response.status_code == 200
    assert "Choisissez une date entre le 1er janvier 2000 et le 31 décembre 2099" in response.content.decode()


def test_session_dates_too_far_are_refused_in_the_admin(client_for, entry_session, animateur, internal):
    start = entry_session.local_start
    data = helpers.session_form_data(
        entry_session,
        [(animateur, "lead", internal, entry_session.facilitations.get())],
        start=start.replace(year=9999).strftime("%Y-%m-%d %H:%M"),
        end=(start.replace(year=9999) + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
    )
    response = client_for("formation").post(
        reverse("wagtailsnippets_training_sessions_session:edit", args=[entry_session.pk]), data
    )
    assert response.status_code == 200
    assert "Choisissez une date entre le 1er janvier 2000 et le 31 décembre 2099" in response.content.decode()
    entry_session.refresh_from_db()
    assert entry_session.local_start == start


# --- Becoming an internal trainer ---------------------------------------------------------------------------


def trainer_fingerprint():
    from trainers.models import FacilitationRequest, SessionObservation, TraineeFeedback

    return (
        fingerprint(),
        list(FacilitationRequest.objects.order_by("pk").values_list("pk", "status", "reason")),
        SessionObservation.objects.count(),
        TraineeFeedback.objects.count(),
    )


@pytest.fixture
def trainer_targets(entry, animateur, internal, demo_user):
    walker = demo_user("demo.agent02")
    led = helpers.make_session(
        entry, days=-1, facilitators=[(animateur, "lead", internal), (walker, "co-facilitator", internal)]
    )
    helpers.make_session(entry, days=15, facilitators=[(animateur, "lead", internal)])
    from trainers.models import FacilitationRequest

    return {"led": led, "walker": walker, "pending": FacilitationRequest.objects.filter(status="pending").first()}


@database_settings(EXAMPLES)
@given(
    ask=hostile_form(["session", "message"]),
    decision=hostile_form(["decision", "reason"]),
    feedback=hostile_form(["went_well", "to_work_on"]),
)
def test_trainer_requests_decisions_and_feedback(client_for, trainer_targets, ask, decision, feedback):
    def checked(response, before):
        assert response.status_code < 500, response.status_code
        refused = response.status_code >= 400 or (response.status_code == 302 and error_messages(response))
        if refused:
            assert trainer_fingerprint() == before

    before = trainer_fingerprint()
    checked(post(client_for("demo.agent01"), "/devenir-formateur/demander/", ask), before)
    before = trainer_fingerprint()
    pending = trainer_targets["pending"]
    checked(post(client_for("formation"), f"/devenir-formateur/demandes/{pending.pk}/decision/", decision), before)
    before = trainer_fingerprint()
    led, walker = trainer_targets["led"], trainer_targets["walker"]
    checked(post(client_for("animateur"), f"/devenir-formateur/retours/{led.pk}/{walker.pk}/", feedback), before)
