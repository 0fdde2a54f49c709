"""Wagtail's moderation emails: every link uses PASSINNOV_BASE_URL, every greeting is « Bonjour »."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from wagtail.models import Site

from fiches.models import FichePage
from home import sites

pytestmark = pytest.mark.django_db
BASE = "https://passinnov.intranet.example"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def public_base_url():
    with override_settings(PASSINNOV_BASE_URL=BASE, WAGTAILADMIN_BASE_URL=BASE):
        sites.sync_default_site()
        yield BASE


def test_review_emails_link_to_the_public_address_and_say_bonjour(public_base_url, django_capture_on_commit_callbacks):
    users = get_user_model().objects
    editor, moderator = users.get(username="redacteur"), users.get(username="moderateur")
    page = FichePage.objects.live().first()
    page.save_revision(user=editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        state = page.get_workflow().start(page, editor)
    with django_capture_on_commit_callbacks(execute=True):
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, moderator, "approve")
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        bodies = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
        for body in bodies:
            links = LINK.findall(body)
            links = [link for link in links if "w3.org" not in link]
            assert links, message.subject
            assert all(link.startswith(BASE + "/") for link in links), links
            assert "localhost" not in body and "testserver" not in body
            assert "Salut" not in body
        assert message.body.lstrip().startswith("Bonjour "), message.body[:80]
    # The approval email links to the published page itself, through the Site's address.
    assert any(page.url in message.body and BASE in message.body for message in mail.outbox)


def test_migrate_and_the_demo_align_the_default_site_on_the_base_url(public_base_url):
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("passinnov.intranet.example", 443, BASE)
    assert sites.sync_default_site() is False  # already aligned: nothing to do


def test_the_system_check_fails_when_the_site_and_the_base_url_disagree(public_base_url, monkeypatch):
    # `manage.py check --database default` runs it.
    assert sites.default_site_matches_base_url(databases=["default"]) == []
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    errors = sites.default_site_matches_base_url(databases=["default"])
    assert [error.id for error in errors] == ["home.E001"]
    assert "http://localhost" in errors[0].msg and BASE in errors[0].msg
    # Not before every command (it reads the database), and not before `migrate`, which repairs the Site.
    assert sites.default_site_matches_base_url() == []
    monkeypatch.setattr("sys.argv", ["manage.py", "migrate"])
    assert sites.default_site_matches_base_url(databases=["default"]) == []
