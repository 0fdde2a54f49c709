"""Credentials: the management command and the Wagtail admin (administrators only, secret shown once)."""

import io
import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import CommandError, call_command

from accounts.roles import group_for
from learning_records.models import Credential

pytestmark = pytest.mark.django_db


def test_command_prints_key_and_secret_and_stores_a_hash():
    out = io.StringIO()
    call_command("create_xapi_credential", "--name", "LRS du service", "--scope", "statements/read", stdout=out)
    key = re.search(r"key: (\S+)", out.getvalue()).group(1)
    secret = re.search(r"secret: (\S+)", out.getvalue()).group(1)
    credential = Credential.objects.get(key=key)
    assert credential.scopes == ["statements/read"] and credential.trusted is False
    assert secret not in credential.secret_hash
    identify_hasher(credential.secret_hash)
    assert credential.check_secret(secret) and not credential.check_secret(secret + "x")
    assert credential.authority["account"]["name"] == f"credential:{key}"


def test_command_trusted_and_bad_input():
    call_command("create_xapi_credential", "--name", "Serveur", "--scope", "all", "--trusted", stdout=io.StringIO())
    assert Credential.objects.get(name="Serveur").trusted is True
    with pytest.raises(CommandError):
        call_command("create_xapi_credential", "--name", "  ", "--scope", "all", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_xapi_credential", "--name", "x", "--scope", "everything", stdout=io.StringIO())
    assert not Credential.objects.filter(name="x").exists()


@pytest.fixture
def administrator(django_user_model):
    user = django_user_model.objects.create_user("admin-lrs", password="correct horse battery")
    user.groups.add(group_for("administrators"))
    return user


ADD_URL = "/admin/snippets/learning_records/credential/add/"
INDEX_URL = "/admin/snippets/learning_records/credential/"


def test_only_administrators_manage_credentials(client, django_user_model, administrator):
    editor = django_user_model.objects.create_user("editor-lrs", password="correct horse battery")
    editor.groups.add(group_for("editors"))
    client.force_login(editor)
    response = client.get(INDEX_URL)
    assert response.status_code in (302, 403)
    client.force_login(administrator)
    assert client.get(INDEX_URL).status_code == 200


def test_admin_creates_a_credential_and_shows_the_secret_once(client, administrator):
    client.force_login(administrator)
    form = client.get(ADD_URL)
    assert form.status_code == 200
    response = client.post(ADD_URL, {"name": "LRS du service formation", "scopes": ["statements/read"], "active": "on"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    credential = Credential.objects.get(name="LRS du service formation")
    html = response.content.decode()
    secret = re.search(r"data-credential-secret>([^<]+)<", html).group(1)
    assert credential.key in html and credential.check_secret(secret)
    assert credential.created_by == administrator
    assert credential.scopes == ["statements/read"]
    edit = client.get(f"{INDEX_URL}edit/{credential.pk}/")
    assert edit.status_code == 200 and secret not in edit.content.decode()
    assert secret not in client.get(INDEX_URL).content.decode()


def test_admin_form_refuses_bad_input(client, administrator):
    client.force_login(administrator)
    before = Credential.objects.count()
    response = client.post(ADD_URL, {"name": "Sans portée", "scopes": []})
    assert response.status_code == 200
    assert "Choisissez au moins une portée" in response.content.decode()
    response = client.post(ADD_URL, {"name": "Portée inventée", "scopes": ["everything"]})
    assert response.status_code == 200
    assert Credential.objects.count() == before


def test_credential_list_query_count(client, administrator, django_assert_max_num_queries):
    client.force_login(administrator)
    for index in range(3):
        Credential.objects.create(name=f"client {index}", scopes=["all"], secret_hash="x")
    client.get(INDEX_URL)
    with django_assert_max_num_queries(40) as few:
        client.get(INDEX_URL)
    for index in range(20):
        Credential.objects.create(name=f"more {index}", scopes=["all"], secret_hash="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INDEX_URL)
