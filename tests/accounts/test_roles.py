import pytest
from django.contrib.auth.models import Group

from accounts.demo import DEMO_ACCOUNTS
from accounts.roles import ROLES, sync_roles, user_has_role

pytestmark = pytest.mark.django_db


def test_every_role_has_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES.values())


def test_sync_roles_is_idempotent():
    before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    sync_roles()
    after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_agents_have_no_admin_permission():
    agents = Group.objects.get(name=ROLES["agents"])
    assert not agents.permissions.filter(codename="access_admin").exists()


def test_editors_cannot_manage_users():
    editors = Group.objects.get(name=ROLES["editors"])
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert "access_admin" in codenames
    assert not codenames & {"add_user", "change_user", "delete_user", "change_group"}


def test_one_demo_account_per_role(django_user_model):
    for username, _first, _last, role, *_ in DEMO_ACCOUNTS:
        user = django_user_model.objects.get(username=username)
        assert user_has_role(user, role)
        assert user.check_password("passinnov-demo")


def test_xapi_account_name_is_random_stable_and_not_the_email(django_user_model):
    user = django_user_model.objects.create_user("nouvel.agent", email="nouvel.agent@finances.gouv.fr")
    name = user.xapi_account_name
    assert len(name) == 32 and "@" not in name and "nouvel" not in name
    user.email = "autre@finances.gouv.fr"
    user.save()
    user.refresh_from_db()
    assert user.xapi_account_name == name
    other = django_user_model.objects.create_user("autre.agent")
    assert other.xapi_account_name != name


def test_agent_profile_holds_directorate_and_site(agent):
    assert agent.directorate.acronym == "DGFiP"
    assert agent.work_location.city == "Lyon"


def test_migrate_alone_creates_the_roles_with_their_permissions():
    from django.core.management import call_command

    Group.objects.all().delete()
    call_command("migrate", verbosity=0)
    editors = Group.objects.get(name=ROLES["editors"])
    assert editors.permissions.filter(codename="access_admin").exists()
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
