"""The reminder command: registered agents only, N days ahead (setting), once per registration."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Registration

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    call_command("send_session_reminders", stdout=out)
    return out.getvalue()


def test_reminders_are_sent_once_to_registered_agents_within_the_window(entry, settings):
    settings.PASSINNOV_REMINDER_DAYS = 2
    soon = helpers.make_session(entry, days=1, capacity=1)
    later = helpers.make_session(entry, days=5)
    agent, waiting, far = helpers.make_agent(), helpers.make_agent(), helpers.make_agent()
    services.register(agent, soon)
    services.register(waiting, soon)
    services.register(far, later)
    mail.outbox.clear()
    assert "Rappels envoyés\u00a0: 1" in run()
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert "Rappel" in mail.outbox[0].subject
    assert Registration.objects.get(user=agent).reminder_sent_at is not None
    run()
    assert len(mail.outbox) == 1  # idempotent

    settings.PASSINNOV_REMINDER_DAYS = 7
    run()
    assert [m.to for m in mail.outbox][-1] == [far.email] and len(mail.outbox) == 2


def test_a_failing_mail_server_leaves_the_reminder_to_retry(entry, monkeypatch):
    session = helpers.make_session(entry, days=1)
    agent = helpers.make_agent()
    services.register(agent, session)

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("training_sessions.emails.send_reminder", broken)
    with pytest.raises(Exception, match="relancés"):
        run()
    assert Registration.objects.get(user=agent).reminder_sent_at is None
