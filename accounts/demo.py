"""Demo accounts, one per role (demo mode only). Their passwords are public: never load them in production."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from accounts.roles import DEFAULT_ROLE, ROLE_LABELS, group_for, sync_roles
from core.models import Directorate, Location

DEMO_PASSWORD = "passinnov-demo"

# username, first name, last name, role, directorate acronym, site name, superuser
DEMO_ACCOUNTS = [
    ("agent", "Camille", "Martin", "agents", "DGFiP", "Lyon – Cité administrative", False),
    # An agent further along the path (see training_sessions.demo: one attendance left to mark).
    ("agent2", "Léa", "Fournier", "agents", "DGE", "Paris – Bercy", False),
    ("redacteur", "Louis", "Bernard", "editors", "SG", "Paris – Bercy", False),
    ("moderateur", "Inès", "Petit", "moderators", "SG", "Paris – Bercy", False),
    ("animateur", "Hugo", "Moreau", "facilitators", "SG", "Paris – Bercy", False),
    ("formation", "Sarah", "Lefebvre", "training", "SG", "Paris – Bercy", False),
    ("admin", "Nora", "Garcia", "administrators", "SG", "Paris – Bercy", True),
]


def load(stdout=None):
    if not settings.PASSINNOV_DEMO:
        raise ImproperlyConfigured("Demo accounts are only created when PASSINNOV_DEMO is on.")
    sync_roles()
    for username, first, last, role, acronym, site, superuser in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@passinnov.example"
        user.directorate = Directorate.objects.filter(acronym=acronym).first()
        user.work_location = Location.objects.filter(name=site).first()
        user.is_superuser = superuser
        user.is_staff = superuser
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        groups = [group_for(role)]
        if role != DEFAULT_ROLE:
            groups.append(group_for(DEFAULT_ROLE))
        user.groups.set(groups)


def describe():
    return [(username, DEMO_PASSWORD, str(ROLE_LABELS[role])) for username, _f, _l, role, *_rest in DEMO_ACCOUNTS]
