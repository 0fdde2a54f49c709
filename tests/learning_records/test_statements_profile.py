"""docs/xapi-profile.md shows one real example per statement type, produced by learning_records.statements.

The examples are built here with fixed inputs and compared with the JSON blocks of the document, so the
documentation cannot drift from the code. After changing a builder, regenerate the examples with:

    DJANGO_SETTINGS_MODULE=cms.settings.test .venv/bin/python -c "import django; django.setup(); \
        from tests.learning_records.test_statements_profile import rewrite; rewrite()"
"""

import json
import re
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from learning_records import statements as xs
from learning_records.validation import validate_statement
from tests.learning_records.xapi_objects import StandInBadge, StandInFiche, StandInModule, StandInSession

DOC = Path(__file__).resolve().parents[2] / "docs" / "xapi-profile.md"
EXAMPLE_BASE = "https://passinnov.example.gouv.fr"
BLOCK = re.compile(r"<!-- example:(?P<key>[a-z]+) -->\n```json\n(?P<json>.*?)\n```", re.S)
PARIS = ZoneInfo("Europe/Paris")


class ExampleUser:
    def __init__(self, account_name):
        self.xapi_account_name = account_name


def _fixed(obj, activity_uuid):
    obj.activity_uuid = uuid.UUID(activity_uuid)
    return obj


def examples():
    """Every statement type, built by the real builders from fixed inputs."""
    with override_settings(PASSINNOV_BASE_URL=EXAMPLE_BASE):
        agent = ExampleUser("3f6c1e0a9b2d4c7e8f1a2b3c4d5e6f70")
        facilitator = ExampleUser("a1b2c3d4e5f60718293a4b5c6d7e8f90")
        module = _fixed(StandInModule("Intelligence collective"), "6d1f7c1e-3b7a-4e0c-9a57-0f3d2e1b4c55")
        start = datetime(2026, 12, 3, 9, 30, tzinfo=PARIS)
        session = _fixed(
            StandInSession(
                "Intelligence collective – 3 décembre 2026 à 9h30",
                module=module,
                start=start,
                end=start + timedelta(minutes=90),
            ),
            "2b8e4f0a-6c1d-4e9b-8a3f-5d7c9e1f2a4b",
        )
        fiche = _fixed(StandInFiche("Le brainstorming inversé"), "9c4a2e6f-1b3d-4f5a-8e7c-0d2b4f6a8c1e")
        badge = _fixed(StandInBadge("Badge PassInnov"), "e7d5c3b1-a9f8-4e6d-b4c2-a0f9e8d7c6b5")
        registration = uuid.UUID("c0ffee00-1234-4abc-8def-0123456789ab")
        at = datetime(2026, 11, 27, 14, 3, 12, 345000, tzinfo=PARIS)
        ids = iter(uuid.UUID(f"00000000-0000-4000-8000-{n:012d}") for n in range(1, 20))
        built = {
            "registered": xs.build_registered(agent, session, registration, timestamp=at, statement_id=next(ids)),
            "unregistered": xs.build_unregistered(
                agent, session, registration, timestamp=at + timedelta(days=1), statement_id=next(ids)
            ),
            "attended": xs.build_attended(
                agent, session, registration, instructor=facilitator, timestamp=session.end, statement_id=next(ids)
            ),
            "completed": xs.build_completed(agent, module, registration, timestamp=session.end, statement_id=next(ids)),
            "rated": xs.build_rated(
                agent,
                session,
                registration,
                5,
                {"content": 4, "facilitation": 5, "usefulness": 5},
                timestamp=session.end + timedelta(hours=2),
                statement_id=next(ids),
            ),
            "viewed": xs.build_viewed(agent, fiche, timestamp=at),
            "earned": xs.build_earned(
                agent,
                badge,
                f"{EXAMPLE_BASE}/mon-parcours/badges/assertions/4f1e2d3c-5b6a-4978-8a9b-0c1d2e3f4a5b",
                timestamp=session.end,
                statement_id=next(ids),
            ),
            "hosted": xs.build_hosted(facilitator, session, "lead", timestamp=session.end, statement_id=next(ids)),
            "observed": xs.build_observed(agent, session, timestamp=session.end, statement_id=next(ids)),
            "mentored": xs.build_mentored(
                facilitator,
                agent,
                session,
                "co-facilitator",
                timestamp=session.end + timedelta(days=1),
                statement_id=next(ids),
            ),
            "voided": xs.build_voided(
                uuid.UUID("00000000-0000-4000-8000-000000000001"),
                timestamp=at + timedelta(days=2),
                statement_id=next(ids),
            ),
            "used": xs.build_used(
                agent,
                fiche,
                date(2027, 1, 14),
                rating=4,
                team_size="6-12",
                setting="workshop",
                audience="own_team",
                module=module,
                statement_id=next(ids),
            ),
            "answered": xs.build_answered(
                agent,
                module,
                frequency="sometimes",
                fiches=[fiche],
                obstacles=["time", "confidence"],
                timestamp=session.end + timedelta(days=60),
                statement_id=next(ids),
            ),
        }
    return built


def documented():
    return {m["key"]: json.loads(m["json"]) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def render(statement):
    return json.dumps(statement, indent=2, ensure_ascii=False)


def test_the_profile_documents_one_real_example_per_statement_type():
    assert documented() == examples(), "regenerate: see this module's docstring"


@pytest.mark.parametrize("key", sorted(xs.VERBS))
def test_every_documented_example_validates(key):
    validate_statement(documented()[key])


def test_every_iri_the_builders_use_is_documented():
    text = DOC.read_text(encoding="utf-8")
    iris = {iri for iri, _fr, _en in xs.VERBS.values()}
    iris |= {
        xs.TYPE_MEETING,
        xs.TYPE_MODULE,
        xs.TYPE_COURSE,
        xs.TYPE_PROFILE,
        xs.TYPE_DOCUMENT,
        xs.TYPE_BADGE,
        xs.TYPE_VIDEO,
        xs.TYPE_SURVEY,
        xs.VIDEO_PROFILE_IRI,
        xs.EXTENSION_BADGE_ASSERTION,
        "{BASE}/xapi/profile",
        "{BASE}/xapi/extensions/rating-criteria",
        "{BASE}/xapi/extensions/facilitator-role",
        "{BASE}/xapi/extensions/team-size",
        "{BASE}/xapi/extensions/team-audience",
        "{BASE}/xapi/extensions/practice-setting",
        "{BASE}/xapi/extensions/usage-frequency",
        "{BASE}/xapi/extensions/fiches-used",
        "{BASE}/xapi/extensions/obstacles",
        "{BASE}/xapi/activities/follow-up/{uuid}",
        "{BASE}/xapi/activities/path/passinnov",
    }
    missing = sorted(iri for iri in iris if f"`{iri}`" not in text)
    assert missing == []


def rewrite():
    text = DOC.read_text(encoding="utf-8")
    built = examples()

    def replace(match):
        return f"<!-- example:{match['key']} -->\n```json\n{render(built[match['key']])}\n```"

    DOC.write_text(BLOCK.sub(replace, text), encoding="utf-8")
