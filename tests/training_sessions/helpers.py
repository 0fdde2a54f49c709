"""Builders for the sessions tests: modules (the demo may not have any yet), agents, sessions."""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import group_for
from core.models import Location, Organisation
from home.models import HomePage
from parcours.models import ModulePage, ParcoursPage
from training_sessions.models import Facilitation, Registration, Session


def parcours_page():
    parcours = ParcoursPage.objects.first()
    if parcours is None:
        home = HomePage.objects.first()
        parcours = home.add_child(instance=ParcoursPage(title="Le parcours", slug="parcours"))
    return parcours


def entry_module():
    """The demo's entry module, or a new one when the demo has none."""
    module = ModulePage.objects.live().filter(is_entry_module=True).first()
    if module is None:
        module = parcours_page().add_child(
            instance=ModulePage(title="Intelligence collective", slug="intelligence-collective", is_entry_module=True)
        )
    return module


def later_module(title=None):
    """A new module that requires the entry module (through its prerequisites, like the demo)."""
    entry = entry_module()
    title = title or f"Créativité {uuid.uuid4().hex[:6]}"
    module = parcours_page().add_child(instance=ModulePage(title=title, slug=f"module-{uuid.uuid4().hex[:10]}"))
    module.prerequisites.add(entry)
    module.save()
    return module


def make_agent(username=None, **fields):
    username = username or f"agent-{uuid.uuid4().hex[:8]}"
    fields.setdefault("email", f"{username}@finances.example")
    fields.setdefault("first_name", "Agent")
    fields.setdefault("last_name", username)
    user = get_user_model()(username=username, **fields)
    user.set_unusable_password()
    user.save()
    return user


def make_facilitator(username=None, **fields):
    """A person holding the facilitator role (only such people may facilitate a session)."""
    user = make_agent(username, **fields)
    user.groups.add(group_for("facilitators"))
    return user


def session_form_data(session, facilitations, **fields):
    """The admin's session edit form as a browser posts it; `facilitations`: [(user, role, organisation,
    existing facilitation or None)]."""
    data = {
        "module": session.module_id,
        "start": session.local_start.strftime("%Y-%m-%d %H:%M"),
        "end": session.local_end.strftime("%Y-%m-%d %H:%M"),
        "location": session.location_id or "",
        "room": session.room,
        "remote_url": session.remote_url,
        "capacity": session.capacity,
        "registration_deadline": "",
        "status": session.status,
        "facilitations-TOTAL_FORMS": len(facilitations),
        "facilitations-INITIAL_FORMS": sum(1 for *_rest, existing in facilitations if existing is not None),
        "facilitations-MIN_NUM_FORMS": 0,
        "facilitations-MAX_NUM_FORMS": 1000,
    }
    for index, (user, role, org, existing) in enumerate(facilitations):
        prefix = f"facilitations-{index}-"
        data |= {
            f"{prefix}id": existing.pk if existing is not None else "",
            f"{prefix}user": user.pk,
            f"{prefix}role": role,
            f"{prefix}organisation": org.pk,
            f"{prefix}ORDER": index + 1,
            f"{prefix}DELETE": "",
        }
    return data | fields


def site(name="Paris – Bercy"):
    return Location.objects.get(name=name)


def organisation(name):
    return Organisation.objects.get(name=name)


def make_session(
    module, *, days=10, hours=9, capacity=12, facilitators=(), deadline=None, location="default", **fields
):
    """A session `days` ahead (negative: in the past), 90 minutes long, at Paris – Bercy by default."""
    start = timezone.localtime().replace(hour=hours, minute=30, second=0, microsecond=0) + timedelta(days=days)
    session = Session.objects.create(
        module=module,
        start=start,
        end=start + timedelta(minutes=90),
        location=site() if location == "default" else location,
        capacity=capacity,
        registration_deadline=deadline,
        **fields,
    )
    for order, (user, role, org) in enumerate(facilitators):
        Facilitation.objects.create(session=session, user=user, role=role, organisation=org, sort_order=order)
    return session


def attended(user, module, days=-30):
    """A past session of `module` the user attended (attendance present), created directly."""
    session = make_session(module, days=days)
    return Registration.objects.create(
        session=session, user=user, status=Registration.Status.REGISTERED, attendance=Registration.Attendance.PRESENT
    )


def move_start(session, delta):
    """Shift a session in time (e.g. into the past, so attendance can be marked)."""
    Session.objects.filter(pk=session.pk).update(
        start=session.start + delta, end=session.end + delta, registration_deadline=None
    )
    session.refresh_from_db()
    return session


def started_ago(session, ago=timedelta(hours=1)):
    """Move the session so that it started `ago` before now (its duration is kept)."""
    return move_start(session, timezone.now() - ago - session.start)
