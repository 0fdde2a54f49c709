"""A fixed data set in 2021 (the demo content lives around today): figures are computed by hand in the tests.

Sessions (period 2021, "now" = 1 October 2021):
  S1 module A, North site, 10 Feb (Q1), external lead            -> a1 present, a2 present, a3 absent,
                                                                    a4 cancelled, a5 waiting; rated 5, 4
  S2 module A, South site, 12 May (Q2), external lead + int1 co  -> a4 present, a5 present, a6 not marked;
                                                                    rated 3, 5
  S3 module B, North site, 20 Aug (Q3), int1 lead + int2 co      -> a1 present, a6 present, a2 absent; rated 4, 2
  S4 module B, South site, 15 Nov (Q4, planned), int2 lead       -> a3, a4 registered; a5, a2 waiting
  S5 module A, North site, 1 Sep, cancelled, external lead       -> a2 cancelled
Agents: a1-a3 directorate TSTA working at North; a4-a5 TSTB at South; a6 neither.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from accounts.roles import group_for
from core.models import Directorate, Location, Organisation
from parcours.models import ModulePage
from pilotage.stats import Filters
from training_sessions.models import Evaluation, Facilitation, Registration, Session

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2021, 10, 1, 12, 0, tzinfo=PARIS)
PERIOD = (date(2021, 1, 1), date(2021, 12, 31))


@dataclass
class DataSet:
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    modules: list = field(default_factory=list)
    sites: dict = field(default_factory=dict)

    def filters(self, **kwargs):
        return Filters(date_from=PERIOD[0], date_to=PERIOD[1], **kwargs)


def at(month, day, hour=9):
    return datetime(2021, month, day, hour, 30, tzinfo=PARIS)


def build(prefix="t"):
    data = DataSet()
    User = get_user_model()
    tsta, _ = Directorate.objects.get_or_create(acronym="TSTA", defaults={"name": "Direction de test A"})
    tstb, _ = Directorate.objects.get_or_create(acronym="TSTB", defaults={"name": "Direction de test B"})
    north, _ = Location.objects.get_or_create(name="Site de test Nord", defaults={"city": "Lille"})
    south, _ = Location.objects.get_or_create(name="Site de test Sud", defaults={"city": "Marseille"})
    data.sites = {"north": north, "south": south}
    external, _ = Organisation.objects.get_or_create(name="Prestataire de test", defaults={"kind": "external"})
    internal, _ = Organisation.objects.get_or_create(name="Mission de test", defaults={"kind": "internal"})

    agents = {
        "a1": (tsta, north),
        "a2": (tsta, north),
        "a3": (tsta, north),
        "a4": (tstb, south),
        "a5": (tstb, south),
        "a6": (None, None),
    }
    for key, (directorate, site) in agents.items():
        data.users[key] = User.objects.create(
            username=f"{prefix}-{key}", first_name=key.upper(), last_name="Testeur", directorate=directorate,
            work_location=site, email=f"{prefix}-{key}@passinnov.example",
        )  # fmt: skip
    for key, last_name in (("ext", "Externe"), ("int1", "Interne-Un"), ("int2", "Interne-Deux")):
        user = User.objects.create(username=f"{prefix}-{key}", first_name="Anim", last_name=last_name)
        user.groups.add(group_for("facilitators"), group_for("agents"))
        data.users[key] = user

    data.modules = list(ModulePage.objects.live().order_by("path")[:2])
    module_a, module_b = data.modules
    plan = {
        "S1": (module_a, north, at(2, 10), 3, "scheduled", [("ext", "lead", external)]),
        "S2": (module_a, south, at(5, 12), 3, "scheduled", [("ext", "lead", external), ("int1", "co-facilitator", internal)]),
        "S3": (module_b, north, at(8, 20), 4, "scheduled", [("int1", "lead", internal), ("int2", "co-facilitator", internal)]),
        "S4": (module_b, south, at(11, 15), 5, "scheduled", [("int2", "lead", internal)]),
        "S5": (module_a, north, at(9, 1), 3, "cancelled", [("ext", "lead", external)]),
    }  # fmt: skip
    for key, (module, site, start, capacity, status, team) in plan.items():
        session = Session.objects.create(
            module=module, location=site, start=start, end=start + timedelta(minutes=90), capacity=capacity,
            status=status,
        )  # fmt: skip
        for user_key, role, organisation in team:
            Facilitation.objects.create(
                session=session, user=data.users[user_key], role=role, organisation=organisation
            )
        data.sessions[key] = session

    registrations = {
        "S1": [("a1", "registered", "present", 5), ("a2", "registered", "present", 4), ("a3", "registered", "absent", None),
               ("a4", "cancelled", None, None), ("a5", "waiting", None, None)],
        "S2": [("a4", "registered", "present", 3), ("a5", "registered", "present", 5), ("a6", "registered", None, None)],
        "S3": [("a1", "registered", "present", 4), ("a6", "registered", "present", 2), ("a2", "registered", "absent", None)],
        "S4": [("a3", "registered", None, None), ("a4", "registered", None, None), ("a5", "waiting", None, None),
               ("a2", "waiting", None, None)],
        "S5": [("a2", "cancelled", None, None)],
    }  # fmt: skip
    for session_key, rows in registrations.items():
        session = data.sessions[session_key]
        for position, (user_key, status, attendance, overall) in enumerate(rows):
            registration = Registration.objects.create(
                session=session, user=data.users[user_key], status=status, attendance=attendance,
                created_at=session.start - timedelta(days=30 - position),
            )  # fmt: skip
            if overall:
                Evaluation.objects.create(
                    registration=registration, overall=overall, content=overall, facilitation=overall,
                    usefulness=overall, comment=f"Avis {user_key} sur {session_key}",
                    created_at=session.end + timedelta(hours=2),
                )  # fmt: skip
    return data
