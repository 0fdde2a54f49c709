"""Roles, and who may do what: the one place the project's access rules start from.

- Roles are Django groups whose permissions are the union of what each app grants in `<app>/roles.py`.
  Each app's `roles.py` has a PERMISSIONS dict: role key -> ["app_label.codename", ...]. Groups are kept in
  sync after every migrate, so a new model's permission reaches its role without a manual step. Those
  permissions drive the Wagtail admin (what each role may edit there).
- CAPABILITIES names what the site's own pages let each role do. Views, the navigation and the services
  call `can(user, capability)`; a rule about one object (this session's facilitators, the agent's own
  trainer page) lives in the owning app's services, which start from these capabilities.
- Roles are given by administrators (groups in the admin); nobody else changes them.
"""

import importlib
import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from core import fragments

logger = logging.getLogger(__name__)

# Role key -> group name shown in the admin (French, stable: it is how the group is found again).
ROLES = {
    "agents": "Agents",
    "editors": "Rédacteurs",
    "moderators": "Modérateurs",
    "facilitators": "Animateurs",
    "training": "Service formation",
    "administrators": "Administrateurs",
}
ROLE_LABELS = {
    "agents": _("Agent"),
    "editors": _("Editor"),
    "moderators": _("Moderator"),
    "facilitators": _("Facilitator"),
    "training": _("Training department"),
    "administrators": _("Administrator"),
}

# Roles that work in the Wagtail admin (they hold `wagtailadmin.access_admin`).
ADMIN_ROLES = {"editors", "moderators", "training", "administrators"}

# What the site's own pages let each role do (the admin's models follow the PERMISSIONS of each app).
CAPABILITIES = {
    # Be chosen as a session's facilitator, then handle that session's participants and attendance;
    # see "Mes animations".
    "facilitate": ("facilitators", "training"),
    # Own the sessions: create, edit, cancel them and their facilitators in the admin; handle the
    # participants and attendance of every session.
    "manage_sessions": ("training",),
    # The whole training dashboard, its exports and the internal trainers.
    "steer": ("training", "administrators"),
    # The training dashboard restricted to one's own sessions.
    "steer_own_sessions": ("facilitators",),
    # People and their data: erasure requests, badge awards, xAPI credentials, external LRS.
    "administer": ("administrators",),
    # The accounts agents share about the fiches, published on the site: the people who publish content.
    "moderate_shared_accounts": ("moderators",),
}

BASE_PERMISSIONS = {role: ["wagtailadmin.access_admin"] for role in ADMIN_ROLES} | {
    "editors": [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtailmedia.add_media",
        "wagtailmedia.change_media",
        "taggit.add_tag",
        "taggit.change_tag",
    ],
    "moderators": [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
        "wagtailmedia.add_media",
        "wagtailmedia.change_media",
        "wagtailmedia.delete_media",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
    ],
    "administrators": [
        "wagtailadmin.access_admin",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
    ],
}


def collect_permissions():
    wanted = {role: set(perms) for role, perms in BASE_PERMISSIONS.items()}
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.roles":
                raise
            continue
        if module.__name__ == __name__:
            continue
        for role, perms in getattr(module, "PERMISSIONS", {}).items():
            wanted.setdefault(role, set()).update(perms)
    return wanted


# Wagtail's migrations create English "Editors" and "Moderators" groups; PassInnov's roles replace them.
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")


def sync_roles():
    """Create the groups and set exactly the permissions declared for each (idempotent)."""
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()
    wanted = collect_permissions()
    all_perms = {
        f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")
    }
    groups = {}
    for role, name in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        perms = []
        for key in sorted(wanted.get(role, ())):
            if key in all_perms:
                perms.append(all_perms[key])
            else:
                logger.debug("Permission %s for role %s does not exist (yet)", key, role)
        group.permissions.set(perms)
        groups[role] = group
    return groups


def is_last_migrated_app(sender):
    """post_migrate is sent once per app that has models, in INSTALLED_APPS order, and permissions are created
    app by app: receivers that need every permission act on the last such app's signal."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    return sender.label == with_models[-1].label


def sync_roles_after_migrate(sender, **kwargs):
    if is_last_migrated_app(sender):
        sync_roles()


def group_for(role):
    return Group.objects.get(name=ROLES[role])


def user_has_role(user, role):
    """Whether the user holds the role (superusers count as administrators); group names cached per user."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and role == "administrators":
        return True
    return ROLES[role] in role_names(user)


def role_names(user, request=None):
    """The names of the user's groups: kept on the user for the request, and in the shared cache until a role
    or an account changes (core.fragments, kind `accounts`: accounts.receivers)."""
    names = getattr(user, "_role_names_cache", None)
    if names is None:
        names = fragments.cached(
            "roles",
            (fragments.ACCOUNTS,),
            [user.pk],
            lambda: frozenset(user.groups.values_list("name", flat=True)),
            request,
        )
        user._role_names_cache = names
    return names


# Every account is an agent: the demo accounts and the accounts created at a first sign-in through the identity
# provider get this role; other roles come on top of it.
DEFAULT_ROLE = "agents"


def give_default_role(user):
    user.groups.add(group_for(DEFAULT_ROLE))


def may_sign_in_with_password(user):
    """Local password sign-in: open to every account, unless PASSINNOV_AGENT_PASSWORD_LOGIN is off; then only
    administrators keep it (agents sign in through the identity provider). Demo mode keeps it for everyone."""
    return not password_sign_in_is_restricted() or user_has_role(user, "administrators")


def may_be_joined_by_email(user):
    """A first sign-in through the identity provider may join an existing account found by its email address,
    except an administrator's: taking over the most privileged accounts needs more than an email claim, so
    administrators keep signing in with their password (always open to them)."""
    return not (user.is_superuser or user_has_role(user, "administrators"))


def password_sign_in_is_restricted():
    return not (settings.PASSINNOV_DEMO or settings.PASSINNOV_AGENT_PASSWORD_LOGIN)


def can(user, capability):
    """Whether the user may do `capability` (a key of CAPABILITIES) on the site's own pages."""
    return any(user_has_role(user, role) for role in CAPABILITIES[capability])


def holders(capability):
    """Active users who hold one of the roles of `capability` (e.g. the people who may facilitate)."""
    names = [ROLES[role] for role in CAPABILITIES[capability]]
    return get_user_model().objects.filter(is_active=True, groups__name__in=names).distinct()


def can_use_admin(user):
    """The Wagtail admin is for the roles that hold its access permission (editorial and management roles)."""
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
