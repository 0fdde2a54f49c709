"""The statements PassInnov writes: vocabulary, identifiers, context, formats (docs/xapi-profile.md)."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from learning_records import statements as xs
from learning_records.validation import StatementError, validate_statement
from tests.learning_records.xapi_objects import make_badge, make_fiche, make_module, make_session

BASE = "http://testserver"
PARIS = ZoneInfo("Europe/Paris")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


class User:
    """Only what a statement may know about a user: the opaque account name."""

    def __init__(self, name=None, email="prenom.nom@finances.gouv.fr"):
        self.xapi_account_name = name or uuid.uuid4().hex
        self.email = email
        self.first_name, self.last_name, self.username = "Emilie", "Martin", "emartin"


@pytest.fixture
def user():
    return User()


@pytest.fixture
def facilitator():
    return User()


def all_statements(user, facilitator):
    session = make_session()
    registration = uuid.uuid4()
    return {
        "registered": xs.build_registered(user, session, registration),
        "unregistered": xs.build_unregistered(user, session, registration),
        "attended": xs.build_attended(user, session, registration, instructor=facilitator),
        "completed": xs.build_completed(user, session.module, registration),
        "rated": xs.build_rated(user, session, registration, 4, {"content": 5, "usefulness": 3}),
        "viewed": xs.build_viewed(user, session.module),
        "earned": xs.build_earned(user, make_badge(), f"{BASE}/badges/assertions/1234"),
        "hosted": xs.build_hosted(facilitator, session, "lead"),
        "observed": xs.build_observed(user, session),
        "mentored": xs.build_mentored(facilitator, user, session, "co-facilitator"),
        "voided": xs.build_voided(uuid.uuid4()),
        "used": xs.build_used(
            user, make_fiche(), datetime(2026, 11, 20).date(), rating=4, team_size="6-12", setting="meeting",
            audience="own_team", module=session.module,
        ),
        "answered": xs.build_answered(
            user, session.module, frequency="sometimes", fiches=[make_fiche()], obstacles=["time"]
        ),
    }  # fmt: skip


def test_every_event_uses_its_vocabulary_verb_with_french_and_english_display(user, facilitator):
    built = all_statements(user, facilitator)
    assert set(built) == set(xs.VERBS)
    expected = {
        "registered": "http://adlnet.gov/expapi/verbs/registered",
        "unregistered": "http://id.tincanapi.com/verb/unregistered",
        "attended": "http://adlnet.gov/expapi/verbs/attended",
        "completed": "http://adlnet.gov/expapi/verbs/completed",
        "rated": "http://id.tincanapi.com/verb/rated",
        "viewed": "http://id.tincanapi.com/verb/viewed",
        "earned": "http://id.tincanapi.com/verb/earned",
        "hosted": "http://activitystrea.ms/schema/1.0/host",
        "observed": "http://adlnet.gov/expapi/verbs/experienced",
        "mentored": "http://id.tincanapi.com/verb/mentored",
        "voided": "http://adlnet.gov/expapi/verbs/voided",
        "used": "http://activitystrea.ms/schema/1.0/use",
        "answered": "http://adlnet.gov/expapi/verbs/answered",
    }
    for key, statement in built.items():
        assert statement["verb"]["id"] == expected[key]
        assert set(statement["verb"]["display"]) == {"fr-FR", "en-US"}
        assert all(statement["verb"]["display"].values())


def test_every_statement_validates_against_the_store(user, facilitator):
    for key, statement in all_statements(user, facilitator).items():
        try:
            validate_statement(statement)
        except StatementError as exc:  # pragma: no cover - the message says which rule is broken
            pytest.fail(f"{key}: {exc}")


def test_common_parts_of_every_statement(user, facilitator):
    for key, statement in all_statements(user, facilitator).items():
        assert uuid.UUID(statement["id"]).version in (4, 5), key
        assert TIMESTAMP_RE.match(statement["timestamp"]), statement["timestamp"]
        context = statement["context"]
        # xAPI 1.0.3 allows context.platform only when the object is an Activity (not for voiding, nor for
        # the feedback statement whose object is the trainee).
        assert context.get("platform") == ("PassInnov" if key not in ("voided", "mentored") else None)
        assert context["language"] == "fr-FR"
        categories = context["contextActivities"]["category"]
        assert categories[0]["id"] == f"{BASE}/xapi/profile"
        assert categories[0]["definition"]["type"] == "http://adlnet.gov/expapi/activities/profile"
        assert "stored" not in statement and "authority" not in statement  # the store sets them


def test_actor_is_an_opaque_account_never_the_email_or_name(user, facilitator):
    for key, statement in all_statements(user, facilitator).items():
        if key == "voided":
            continue
        actor = facilitator if key in ("hosted", "mentored") else user
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": BASE, "name": actor.xapi_account_name},
        }
        text = str(statement)
        for private in (user.email, user.first_name, user.last_name, user.username):
            assert private not in text


@override_settings(PASSINNOV_BASE_URL="https://passinnov.example.gouv.fr")
def test_iris_follow_the_configured_base_url(user):
    module = make_module()
    statement = xs.build_completed(user, module)
    assert statement["actor"]["account"]["homePage"] == "https://passinnov.example.gouv.fr"
    assert (
        statement["object"]["id"] == f"https://passinnov.example.gouv.fr/xapi/activities/module/{module.activity_uuid}"
    )
    parent = statement["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == "https://passinnov.example.gouv.fr/xapi/activities/path/passinnov"


def test_ids_are_random_uuids_unless_given(user):
    session = make_session()
    first = xs.build_registered(user, session, uuid.uuid4())
    second = xs.build_registered(user, session, uuid.uuid4())
    assert first["id"] != second["id"]
    given = uuid.uuid4()
    assert xs.build_registered(user, session, uuid.uuid4(), statement_id=given)["id"] == str(given)


def test_timestamp_is_paris_time_with_milliseconds_and_offset():
    winter = datetime(2026, 11, 27, 13, 3, 12, 345678, tzinfo=ZoneInfo("UTC"))
    summer = datetime(2026, 7, 1, 8, 0, 0, tzinfo=ZoneInfo("UTC"))
    assert xs.format_timestamp(winter) == "2026-11-27T14:03:12.345+01:00"
    assert xs.format_timestamp(summer) == "2026-07-01T10:00:00.000+02:00"
    with pytest.raises(ValueError):
        xs.format_timestamp(datetime(2026, 11, 27, 14, 0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(minutes=90), "PT1H30M"),
        (timedelta(minutes=45), "PT45M"),
        (timedelta(hours=3), "PT3H"),
        (timedelta(seconds=12.5), "PT12.5S"),
        (timedelta(0), "PT0S"),
        (timedelta(days=1, minutes=1), "PT24H1M"),
    ],
)
def test_durations_are_iso_8601(value, expected):
    assert xs.format_duration(value) == expected


def test_duration_rejects_negative_values():
    with pytest.raises(ValueError):
        xs.format_duration(timedelta(minutes=-1))


def test_registered_session_statement(user):
    session = make_session()
    registration = uuid.uuid4()
    statement = xs.build_registered(user, session, registration)
    assert statement["object"]["id"] == f"{BASE}/xapi/activities/session/{session.activity_uuid}"
    definition = statement["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/meeting"
    assert set(definition["name"]) == set(definition["description"]) == {"fr-FR", "en-US"}
    assert "«\u00a0Intelligence collective\u00a0»" in definition["description"]["fr-FR"]
    assert statement["context"]["registration"] == str(registration)
    parent = statement["context"]["contextActivities"]["parent"]
    assert [p["id"] for p in parent] == [session.module.xapi_activity_id]
    assert parent[0]["definition"]["type"] == "http://adlnet.gov/expapi/activities/module"
    assert "result" not in statement


def test_unregistered_keeps_the_same_registration(user):
    session = make_session()
    registration = uuid.uuid4()
    statement = xs.build_unregistered(user, session, registration)
    assert statement["context"]["registration"] == str(registration)
    assert statement["object"]["id"] == session.xapi_activity_id


def test_attended_has_instructor_and_duration(user, facilitator):
    session = make_session(minutes=90)
    statement = xs.build_attended(user, session, uuid.uuid4(), instructor=facilitator)
    assert statement["result"] == {"duration": "PT1H30M"}
    assert statement["context"]["instructor"] == {
        "objectType": "Agent",
        "account": {"homePage": BASE, "name": facilitator.xapi_account_name},
    }
    # The experience happened when the session ended, not when attendance was marked.
    assert statement["timestamp"] == xs.format_timestamp(session.end)
    shorter = xs.build_attended(user, session, uuid.uuid4(), duration=timedelta(minutes=50))
    assert shorter["result"]["duration"] == "PT50M"
    assert "instructor" not in shorter["context"]


def test_completed_module_has_completion_and_the_path_as_parent(user):
    module = make_module("Créativité")
    statement = xs.build_completed(user, module)
    assert statement["result"] == {"completion": True}
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/module"
    assert statement["object"]["definition"]["name"]["fr-FR"] == "Créativité"
    parent = statement["context"]["contextActivities"]["parent"][0]
    assert parent["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert "registration" not in statement["context"]


@pytest.mark.parametrize(("raw", "scaled"), [(1, 0.0), (3, 0.5), (4, 0.75), (5, 1.0)])
def test_rated_score_is_one_to_five_scaled_from_min(user, raw, scaled):
    statement = xs.build_rated(user, make_session(), uuid.uuid4(), raw, {"facilitation": 2})
    assert statement["result"]["score"] == {"raw": raw, "min": 1, "max": 5, "scaled": scaled}
    assert statement["result"]["extensions"] == {f"{BASE}/xapi/extensions/rating-criteria": {"facilitation": 2}}


@pytest.mark.parametrize("bad", [0, 6, 4.5, "4", None, True])
def test_rated_rejects_scores_outside_the_scale(user, bad):
    with pytest.raises(ValueError):
        xs.build_rated(user, make_session(), uuid.uuid4(), bad)
    with pytest.raises(ValueError):
        xs.build_rated(user, make_session(), uuid.uuid4(), 4, {"content": bad})


def test_viewed_id_is_the_same_for_one_agent_page_and_paris_day(user):
    module = make_module()
    # 23:30 UTC on the 27th is already the 28th in Paris; 00:30 UTC on the 28th is the same Paris day.
    late = datetime(2026, 11, 27, 23, 30, tzinfo=ZoneInfo("UTC"))
    next_morning = datetime(2026, 11, 28, 0, 30, tzinfo=ZoneInfo("UTC"))
    earlier = datetime(2026, 11, 27, 22, 30, tzinfo=ZoneInfo("UTC"))
    first = xs.build_viewed(user, module, timestamp=late)
    assert first["id"] == xs.build_viewed(user, module, timestamp=next_morning)["id"]
    assert first["id"] != xs.build_viewed(user, module, timestamp=earlier)["id"]
    assert first["id"] != xs.build_viewed(User(), module, timestamp=late)["id"]
    assert first["id"] != xs.build_viewed(user, make_module("Créativité"), timestamp=late)["id"]


def test_earned_carries_the_assertion_url(user):
    badge = make_badge()
    statement = xs.build_earned(user, badge, f"{BASE}/badges/assertions/42")
    assert statement["object"]["definition"]["type"] == "http://activitystrea.ms/schema/1.0/badge"
    assert statement["result"]["extensions"] == {
        "http://specification.openbadges.org/xapi/extensions/badgeassertion": {"@id": f"{BASE}/badges/assertions/42"}
    }
    with pytest.raises(ValueError):
        xs.build_earned(user, badge, "/relative/url")


@pytest.mark.parametrize("role", ["lead", "co-facilitator"])
def test_hosted_carries_the_role(facilitator, role):
    session = make_session()
    statement = xs.build_hosted(facilitator, session, role)
    assert statement["context"]["extensions"] == {f"{BASE}/xapi/extensions/facilitator-role": role}
    assert statement["object"]["id"] == session.xapi_activity_id
    assert "registration" not in statement["context"]


def test_hosted_rejects_unknown_roles(facilitator):
    with pytest.raises(ValueError):
        xs.build_hosted(facilitator, make_session(), "participant")


def test_voided_targets_a_statement_ref(user):
    target = uuid.uuid4()
    statement = xs.build_voided(target)
    assert statement["object"] == {"objectType": "StatementRef", "id": str(target)}
    assert statement["actor"]["account"] == {"homePage": BASE, "name": "system"}
    by_user = xs.build_voided(target, reason_user=user)
    assert by_user["actor"]["account"]["name"] == user.xapi_account_name


def test_video_activities_carry_the_video_profile_category(user):
    from tests.learning_records.xapi_objects import StandInActivity

    class Video(StandInActivity):
        XAPI_KIND = "video"
        XAPI_ACTIVITY_TYPE = xs.TYPE_VIDEO

    statement = xs.build_viewed(user, Video("Le témoignage d’Emilie"))
    categories = [c["id"] for c in statement["context"]["contextActivities"]["category"]]
    assert categories == [f"{BASE}/xapi/profile", "https://w3id.org/xapi/video"]


def test_a_user_without_account_name_is_refused(user):
    user.xapi_account_name = ""
    with pytest.raises(ValueError):
        xs.build_completed(user, make_module())


def test_the_trainer_path_statements_carry_the_role_extension(user, facilitator):
    session = make_session()
    role = f"{BASE}/xapi/extensions/facilitator-role"
    observed = xs.build_observed(user, session)
    assert observed["context"]["extensions"] == {role: "observer"}
    assert observed["object"]["id"] == session.xapi_activity_id
    mentored = xs.build_mentored(facilitator, user, session, "co-facilitator")
    assert mentored["object"] == {"objectType": "Agent", "account": {"homePage": BASE, "name": user.xapi_account_name}}
    assert mentored["context"]["extensions"] == {role: "co-facilitator"}
    assert mentored["context"]["contextActivities"]["parent"][0]["id"] == session.xapi_activity_id
    assert "result" not in mentored  # the feedback's text never goes into the learning record
    with pytest.raises(ValueError):
        xs.build_mentored(facilitator, user, session, "spectator")
