"""Roles and permissions are read from the shared cache (accounts.roles.role_names,
accounts.backends.CachedPermissionsMixin): a change is effective at once, on the next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import can, group_for
from tests.training_sessions import helpers

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads it (nothing kept on the object)."""
    return type(user).objects.get(pk=user.pk)


def test_a_granted_role_shows_at_once_in_the_menu_and_the_rules(client):
    agent = helpers.make_agent()
    client.force_login(agent)
    assert "Mes animations" not in client.get("/").content.decode()
    assert not can(fresh(agent), "facilitate")

    agent.groups.add(group_for("facilitators"))
    assert can(fresh(agent), "facilitate")
    assert "Mes animations" in client.get("/").content.decode()

    agent.groups.remove(group_for("facilitators"))
    assert not can(fresh(agent), "facilitate")
    assert "Mes animations" not in client.get("/").content.decode()


def test_a_permission_given_or_taken_from_a_group_is_effective_at_once():
    agent = helpers.make_agent()
    group = Group.objects.create(name="Relecteurs de test")
    agent.groups.add(group)
    permission = Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    assert not fresh(agent).has_perm("wagtailadmin.access_admin")

    group.permissions.add(permission)
    assert fresh(agent).has_perm("wagtailadmin.access_admin")

    group.permissions.remove(permission)
    assert not fresh(agent).has_perm("wagtailadmin.access_admin")

    agent.user_permissions.add(permission)
    assert fresh(agent).has_perm("wagtailadmin.access_admin")
    group.delete()
    agent.user_permissions.clear()
    assert not fresh(agent).has_perm("wagtailadmin.access_admin")


def test_a_deactivated_account_loses_its_permissions_at_once():
    agent = helpers.make_agent()
    agent.user_permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    assert fresh(agent).has_perm("wagtailadmin.access_admin")
    agent.is_active = False
    agent.save()
    assert not fresh(agent).has_perm("wagtailadmin.access_admin")


def test_roles_and_permissions_cost_no_query_once_cached():
    agent = helpers.make_agent()
    agent.groups.add(group_for("facilitators"))
    can(fresh(agent), "facilitate"), fresh(agent).has_perm("wagtailadmin.access_admin")
    user = fresh(agent)
    with CaptureQueriesContext(connection) as queries:
        assert can(user, "facilitate")
        assert not user.has_perm("wagtailadmin.access_admin")
    assert len(queries) == 0
