"""Demo sessions (idempotent): past and future sessions of every module at Paris – Bercy and in the provinces.

- Every live module gets past sessions (with registrations, attendance and evaluations averaging about
  4.5/5) and future sessions (with places left, one full with a waiting list, one almost full).
- Facilitation moves over time from ImFusio alone (external) to mixed teams to the Mission innovation alone
  (internal), with the demo facilitator "animateur" among the internal facilitators. Every facilitator
  holds the facilitator role (only such people may facilitate).
- Participants are extra demo agents who cannot sign in (unusable passwords). The demo account "agent" is
  registered nowhere: the browser journey starts from a fresh agent.
- Dates are relative to the day the demo is loaded (Europe/Paris), and each session has a stable
  activity UUID, so loading twice changes nothing. Statements of past events go through
  `learning_records.events` once, when their row is created, dated at the event.
"""

import uuid
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import group_for
from core.models import Directorate, Location, Organisation
from learning_records import events
from training_sessions import services
from training_sessions.models import Evaluation, Facilitation, Registration, Session

NAMESPACE = uuid.UUID("6f1d7a38-52a4-4c1e-9a57-2b0e7d1c9a11")

SITES = ["Paris – Bercy", "Lyon – Cité administrative", "Lille – Cité administrative", "Bordeaux – Cité administrative"]
ROOMS = {
    "Paris – Bercy": "Bâtiment Necker, salle 2051",
    "Lyon – Cité administrative": "Salle Lumière",
    "Lille – Cité administrative": "Salle Vauban",
    "Bordeaux – Cité administrative": "Salle Garonne",
}

FIRST_NAMES = [
    "Alice",
    "Bruno",
    "Chloé",
    "David",
    "Emma",
    "Fabien",
    "Gaëlle",
    "Henri",
    "Isabelle",
    "Jules",
    "Karima",
    "Léo",
    "Manon",
    "Nicolas",
    "Océane",
    "Pierre",
    "Quentin",
    "Rose",
    "Samuel",
    "Théo",
    "Ursula",
    "Victor",
    "Wassim",
    "Yasmine",
    "Zoé",
]
LAST_NAMES = [
    "Dubois",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
]
DIRECTORATES = ["DGFiP", "DGDDI", "DGE", "DG Trésor", "INSEE", "SG", "DGCCRF"]

# Trained agents (completed the entry module in the past) and newcomers (fill the future sessions).
TRAINED_AGENTS = 24
NEWCOMERS = 25
PER_PAST_SESSION = 6

# Facilitators: (username, first name, last name, organisation)
EXTERNAL_FACILITATORS = [
    ("imfusio.claire", "Claire", "Delmas", "ImFusio"),
    ("imfusio.marc", "Marc", "Olivier", "ImFusio"),
]
INTERNAL_FACILITATORS = [("mi.julie", "Julie", "Caron", "Mission innovation")]

# Entry-module past sessions (days before today) with their facilitation mode, oldest first.
ENTRY_PAST = [(-300, "external"), (-220, "mixed"), (-140, "mixed"), (-60, "internal")]
# Other modules' past sessions.
OTHER_PAST = [(-180, "mixed"), (-30, "internal")]
# Future sessions of every module: (days ahead, site index offset, capacity, how full).
FUTURE = [(12, 0, 12, "full"), (26, 1, 15, "open"), (40, 2, 12, "almost full")]

# Overall ratings cycle (average 4.5), criteria derived from it.
RATINGS = [5, 4, 5, 5, 4, 5, 3, 5, 4, 5]
COMMENTS = [
    "Très concret, je vais réutiliser les outils avec mon équipe.",
    "Animation dynamique, on ne voit pas le temps passer.",
    "",
    "J'aurais aimé un peu plus de temps pour la mise en pratique.",
    "",
    "Excellent module, bravo aux animateurs !",
]


def _stable_uuid(*parts):
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def _at(day, hour, minute=0):
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    return datetime.combine(today + timedelta(days=day), time(hour, minute), tzinfo=tz)


def _users():
    User = get_user_model()
    directorates = {d.acronym: d for d in Directorate.objects.filter(acronym__in=DIRECTORATES)}
    sites = {loc.name: loc for loc in Location.objects.filter(name__in=SITES)}
    agents = []
    total = TRAINED_AGENTS + NEWCOMERS
    existing = {u.username: u for u in User.objects.filter(username__startswith="demo.agent")}
    for i in range(total):
        username = f"demo.agent{i + 1:02d}"
        user = existing.get(username)
        if user is None:
            user = User(
                username=username,
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(i * 7) % len(LAST_NAMES)],
                email=f"{username}@passinnov.example",
                directorate=directorates.get(DIRECTORATES[i % len(DIRECTORATES)]),
                work_location=sites.get(SITES[i % len(SITES)]),
            )
            user.set_unusable_password()
            user.save()
        agents.append(user)
    facilitators = {}
    facilitator_role = group_for("facilitators")
    for username, first, last, _organisation in EXTERNAL_FACILITATORS + INTERNAL_FACILITATORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, email=f"{username}@passinnov.example")
            user.set_unusable_password()
            user.save()
        user.groups.add(facilitator_role)
        facilitators[username] = user
    animateur = User.objects.filter(username="animateur").first()
    return agents, facilitators, animateur


def _team(mode, index, facilitators, animateur, organisations):
    """[(user, role, organisation)] for a facilitation mode; `index` varies who leads."""
    external = [facilitators[u] for u, *_rest in EXTERNAL_FACILITATORS]
    internal_pool = [u for u in [animateur, facilitators["mi.julie"]] if u is not None]
    ext_org, int_org = organisations["ImFusio"], organisations["Mission innovation"]
    if mode == "external":
        return [(external[index % 2], "lead", ext_org), (external[(index + 1) % 2], "co-facilitator", ext_org)]
    if mode == "mixed":
        return [
            (external[index % 2], "lead", ext_org),
            (internal_pool[index % len(internal_pool)], "co-facilitator", int_org),
        ]
    lead = internal_pool[index % len(internal_pool)]
    team = [(lead, "lead", int_org)]
    others = [u for u in internal_pool if u != lead]
    if others:
        team.append((others[0], "co-facilitator", int_org))
    return team


def _session(module, key, day, hour, site, capacity, mode, index, facilitators, animateur, organisations):
    start = _at(day, hour, 30 if hour == 9 else 0)
    end = start + timedelta(minutes=module.duration_minutes or 90)
    values = {
        "module": module,
        "start": start,
        "end": end,
        "location": site,
        "room": ROOMS.get(site.name, ""),
        "capacity": capacity,
        "registration_deadline": start - timedelta(days=1),
    }
    session, created = Session.objects.update_or_create(
        activity_uuid=_stable_uuid("session", module.activity_uuid, key),
        defaults=values,
        create_defaults=values | {"status": Session.Status.SCHEDULED},
    )
    team = _team(mode, index, facilitators, animateur, organisations)
    if created or not session.facilitations.exists():
        for order, (user, role, organisation) in enumerate(team):
            Facilitation.objects.get_or_create(
                session=session, user=user, defaults={"role": role, "organisation": organisation, "sort_order": order}
            )
    return session, created


def _past_registrations(session, agents, created, rating_offset):
    """Registered, attended (all but one), rated (most), with their statements, when first created."""
    if not created and session.registrations.exists():
        return
    lead = session.lead_facilitation
    for position, user in enumerate(agents):
        registered_at = session.start - timedelta(days=20 - position)
        registration, reg_created = Registration.objects.get_or_create(
            session=session,
            user=user,
            defaults={
                "status": Registration.Status.REGISTERED,
                "created_at": registered_at,
                "registration_uuid": _stable_uuid("registration", session.activity_uuid, user.username),
                "reminder_sent_at": session.start - timedelta(days=2),
            },
        )
        if not reg_created:
            continue
        events.registered(user, session, registration.registration_uuid, timestamp=registered_at)
        present = position != len(agents) - 1
        registration.attendance = Registration.Attendance.PRESENT if present else Registration.Attendance.ABSENT
        registration.attendance_marked_by = lead.user if lead else None
        registration.attendance_marked_at = session.end
        if present:
            attended = events.attended(
                user,
                session,
                registration.registration_uuid,
                instructor=lead.user if lead else None,
                duration=session.duration,
                timestamp=session.end,
            )
            completed = events.completed(
                user,
                session.module,
                registration.registration_uuid,
                timestamp=session.end,
            )
            registration.attended_statement_id = attended.statement_id
            registration.completed_statement_id = completed.statement_id
            registration.evaluation_requested_at = session.end
        registration.save()
        if present and position < len(agents) - 2:
            overall = RATINGS[(position + rating_offset) % len(RATINGS)]
            rated_at = session.end + timedelta(hours=3)
            evaluation = Evaluation.objects.create(
                registration=registration,
                overall=overall,
                content=min(5, overall + (position % 2)),
                facilitation=overall,
                usefulness=max(3, overall - (position % 3 == 0)),
                comment=COMMENTS[(position + rating_offset) % len(COMMENTS)],
                created_at=rated_at,
                updated_at=rated_at,
            )
            events.rated(
                user,
                session,
                registration.registration_uuid,
                overall,
                criteria=evaluation.criteria,
                timestamp=rated_at,
            )
    services.record_hosting(session, now=session.end, timestamp=session.end)


def _future_registrations(session, agents, waiting):
    now = timezone.now()
    for position, user in enumerate(agents + waiting):
        status = Registration.Status.REGISTERED if position < len(agents) else Registration.Status.WAITING
        created_at = now - timedelta(days=10) + timedelta(minutes=position)
        registration, reg_created = Registration.objects.get_or_create(
            session=session,
            user=user,
            defaults={
                "status": status,
                "created_at": created_at,
                "registration_uuid": _stable_uuid("registration", session.activity_uuid, user.username),
            },
        )
        if reg_created and status == Registration.Status.REGISTERED:
            events.registered(user, session, registration.registration_uuid, timestamp=created_at)


def load(stdout=None):
    from parcours.models import ModulePage

    modules = list(ModulePage.objects.live().order_by("-is_entry_module", "path"))
    sites = [s for s in (Location.objects.filter(name=name).first() for name in SITES) if s is not None]
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=["ImFusio", "Mission innovation"])}
    if not modules or not sites or len(organisations) < 2:
        return
    agents, facilitators, animateur = _users()
    trained, newcomers = agents[:TRAINED_AGENTS], agents[TRAINED_AGENTS:]
    # The last agent of each entry-module group is marked absent (see _past_registrations).
    completed_entry = [a for i, a in enumerate(trained) if i % PER_PAST_SESSION != PER_PAST_SESSION - 1]
    entry = next((m for m in modules if m.is_entry_module), None)

    for m_index, module in enumerate(modules):
        is_entry = module == entry or entry is None
        past = ENTRY_PAST if is_entry else OTHER_PAST
        past_participants = set()
        for s_index, (day, mode) in enumerate(past):
            day = day if is_entry else day + m_index  # modules never overlap for one agent
            site = sites[(s_index + m_index) % len(sites)]
            session, created = _session(
                module,
                f"past-{s_index}",
                day,
                9 if s_index % 2 == 0 else 14,
                site,
                12,
                mode,
                s_index + m_index,
                facilitators,
                animateur,
                organisations,
            )
            if is_entry:  # trained agents complete the entry module in groups, oldest sessions first
                group = trained[s_index * PER_PAST_SESSION : (s_index + 1) * PER_PAST_SESSION]
            else:  # agents whose entry session ended before this one
                eligible = [
                    a
                    for i, a in enumerate(trained)
                    if ENTRY_PAST[min(i // PER_PAST_SESSION, len(ENTRY_PAST) - 1)][0] < day
                    and i % PER_PAST_SESSION != PER_PAST_SESSION - 1  # the last of each group was absent
                ]
                start = (m_index * 5 + s_index * 3) % max(len(eligible), 1)
                group = (eligible[start:] + eligible[:start])[:PER_PAST_SESSION]
            past_participants.update(u.pk for u in group)
            _past_registrations(session, group, created, rating_offset=m_index + s_index)

        for f_index, (day, site_offset, capacity, _fill) in enumerate(FUTURE):
            site = sites[(m_index + site_offset) % len(sites)]
            session, _created = _session(
                module,
                f"future-{f_index}",
                day + m_index,
                9 if f_index != 1 else 14,
                site,
                capacity,
                "internal",
                m_index + f_index,
                facilitators,
                animateur,
                organisations,
            )
            if is_entry and f_index == 0:  # full, with a waiting list
                _future_registrations(session, newcomers[:capacity], newcomers[capacity : capacity + 3])
            elif is_entry and f_index == 2:  # almost full
                _future_registrations(session, newcomers[capacity + 3 : capacity + 3 + capacity - 2], [])
            elif not is_entry and f_index == 0:
                group = [a for a in completed_entry if a.pk not in past_participants][m_index % 3 :][:5]
                _future_registrations(session, group, [])
    _advanced_agent_journey(modules, entry, sites, facilitators, animateur, organisations, completed_entry)
    if stdout is not None:
        stdout.write(f"Demo sessions: {Session.objects.count()}")


def _attended(session, user):
    """`user` registered for and attended a past `session` (idempotent), with the statements of both."""
    values = {
        "status": Registration.Status.REGISTERED,
        "created_at": session.start - timedelta(days=15),
        "registration_uuid": _stable_uuid("registration", session.activity_uuid, user.username),
        "reminder_sent_at": session.start - timedelta(days=2),
    }
    registration, created = Registration.objects.get_or_create(session=session, user=user, defaults=values)
    if not created:
        return registration
    lead = session.lead_facilitation
    events.registered(user, session, registration.registration_uuid, timestamp=values["created_at"])
    attended = events.attended(
        user,
        session,
        registration.registration_uuid,
        instructor=lead.user if lead else None,
        duration=session.duration,
        timestamp=session.end,
    )
    completed = events.completed(user, session.module, registration.registration_uuid, timestamp=session.end)
    registration.attendance = Registration.Attendance.PRESENT
    registration.attendance_marked_by = lead.user if lead else None
    registration.attendance_marked_at = session.end
    registration.attended_statement_id = attended.statement_id
    registration.completed_statement_id = completed.statement_id
    registration.evaluation_requested_at = session.end
    registration.save()
    return registration


def _advanced_agent_journey(modules, entry, sites, facilitators, animateur, organisations, completed_entry):
    """The demo account "agent2" has attended the entry module and two others; the session of a third took
    place yesterday, led by "animateur", whose attendance list is still to be marked. Marking agent2 present
    completes the PassInnov badge's rule (entry module + 3 others) live, as a facilitator would."""
    User = get_user_model()
    agent2 = User.objects.filter(username="agent2").first()
    others = [m for m in modules if m != entry]
    if agent2 is None or entry is None or len(others) < 3 or animateur is None:
        return
    done = [
        Session.objects.get(activity_uuid=_stable_uuid("session", entry.activity_uuid, "past-3")),
        *(Session.objects.get(activity_uuid=_stable_uuid("session", m.activity_uuid, "past-1")) for m in others[:2]),
    ]
    for session in done:
        _attended(session, agent2)
    bercy = next((site for site in sites if site.name == "Paris – Bercy"), sites[0])
    yesterday, created = _session(
        others[2], "journey-yesterday", -1, 14, bercy, 12, "internal", 0, facilitators, animateur, organisations
    )
    if created:
        participants = [agent2, *completed_entry[:3]]
        for position, user in enumerate(participants):
            registered_at = yesterday.start - timedelta(days=12 - position)
            registration, reg_created = Registration.objects.get_or_create(
                session=yesterday,
                user=user,
                defaults={
                    "status": Registration.Status.REGISTERED,
                    "created_at": registered_at,
                    "registration_uuid": _stable_uuid("registration", yesterday.activity_uuid, user.username),
                    "reminder_sent_at": yesterday.start - timedelta(days=2),
                },
            )
            if reg_created:
                events.registered(user, yesterday, registration.registration_uuid, timestamp=registered_at)
