"""Builders for the practices tests: agents, fiches of a module, declarations through the services."""

import uuid
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Directorate, Location
from fiches.models import FichePage
from parcours.models import ModulePage
from practices import services
from practices.models import Sharing
from tests.progress.helpers import attend
from training_sessions.models import Session


def make_agent(directorate="DGFiP", site="Paris – Bercy", **extra):
    name = f"pratique-{uuid.uuid4().hex[:8]}"
    defaults = {
        "first_name": "Agnès",
        "last_name": name.capitalize(),
        "email": f"{name}@example.gouv.fr",
        "directorate": Directorate.objects.filter(acronym=directorate).first() if directorate else None,
        "work_location": Location.objects.filter(name=site).first() if site else None,
    }
    return get_user_model().objects.create(username=name, **(defaults | extra))


def entry_module():
    return ModulePage.objects.get(is_entry_module=True)


def fiche(slug="meteo-d-inclusion"):
    return FichePage.objects.select_related("related_module").get(slug=slug)


def fiches_of(module):
    return list(FichePage.objects.live().filter(related_module=module).order_by("title"))


def values(**overrides):
    data = {
        "used_on": timezone.localdate() - timedelta(days=3),
        "team_size": "6-12",
        "audience": "own_team",
        "setting": "meeting",
        "rating": 4,
        "account": "",
        "sharing": Sharing.PRIVATE,
    }
    return data | overrides


def declare(user, on=None, **overrides):
    return services.declare(user, on or fiche(), **values(**overrides))


def form_data(**overrides):
    data = values(**overrides)
    if isinstance(data["used_on"], date):
        data["used_on"] = data["used_on"].isoformat()
    return data


def session_days_ago(module, days):
    """A session of `module` held from 10:00 to 11:30 (Paris) `days` days ago: follow-up dates are calendar days."""
    start = datetime.combine(
        timezone.localdate() - timedelta(days=days), time(10), tzinfo=timezone.get_current_timezone()
    )
    return Session.objects.create(
        module=module,
        start=start,
        end=start + timedelta(minutes=90),
        location=Location.objects.get(name="Paris – Bercy"),
        capacity=12,
    )


def attended_days_ago(user, module, days):
    """`user` attended a session of `module` held `days` days ago (trusted statements, as the server)."""
    session = session_days_ago(module, days)
    attend(user, session)
    return session


def text(response):
    """A page's HTML with every run of whitespace (non-breaking spaces included) made one space."""
    return " ".join(response.content.decode().split())
