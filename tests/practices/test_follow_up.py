"""The follow-up after a module: when it opens, one answer per agent and module, idempotent reminders."""

import io
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from learning_records import statements as xs
from learning_records.models import Statement
from practices import services
from practices.models import FollowUp, FollowUpObstacle
from tests.practices import helpers

pytestmark = pytest.mark.django_db

ANSWERED = xs.VERBS["answered"][0]


@pytest.fixture
def module():
    return helpers.entry_module()


@pytest.fixture
def follow_up_days(settings):
    settings.PASSINNOV_FOLLOW_UP_DAYS = 60
    return 60


def url(module):
    return reverse("practices:follow_up", args=[module.pk])


def answer(user, module, **overrides):
    data = {"frequency": "sometimes", "fiche_ids": [], "obstacles": [], "other_obstacle": ""} | overrides
    return services.answer_follow_up(user, module, **data)


@pytest.mark.parametrize(
    "days_ago, state",
    [(59, "not_yet"), (60, "open"), (200, "open"), (60 + services.FOLLOW_UP_OPEN_DAYS - 1, "open"),
     (60 + services.FOLLOW_UP_OPEN_DAYS, "closed")],
)  # fmt: skip
def test_the_question_opens_60_days_after_the_session_and_stays_open(newcomer, module, follow_up_days, days_ago, state):
    helpers.attended_days_ago(newcomer, module, days_ago)
    assert services.follow_up_state(newcomer, module)[0] == state
    due = [d.module_id for d in services.due_follow_ups(newcomer)]
    assert due == ([module.pk] if state == "open" else [])


def test_the_delay_is_a_setting(newcomer, module, settings):
    helpers.attended_days_ago(newcomer, module, 30)
    settings.PASSINNOV_FOLLOW_UP_DAYS = 60
    assert services.follow_up_state(newcomer, module)[0] == "not_yet"
    settings.PASSINNOV_FOLLOW_UP_DAYS = 30
    assert services.follow_up_state(newcomer, module)[0] == "open"


def test_mon_parcours_shows_the_card_and_the_agent_answers_once(client, newcomer, module, follow_up_days):
    helpers.attended_days_ago(newcomer, module, 65)
    fiches = helpers.fiches_of(module)
    used = fiches[0]
    helpers.declare(newcomer, used, used_on=timezone.localdate() - timedelta(days=10))
    client.force_login(newcomer)
    home = helpers.text(client.get("/mon-parcours/"))
    assert "Avez-vous réutilisé ce que vous avez appris ?" in home
    assert url(module) in home

    form = client.get(url(module))
    assert form.status_code == 200
    assert form.context["form"].initial["fiches"] == [used.pk]  # pre-filled from the declarations
    response = client.post(
        url(module),
        {"frequency": "regularly", "fiches": [used.pk, fiches[1].pk], "obstacles": ["time"], "other_obstacle": ""},
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(user=newcomer, module=module)
    assert follow_up.frequency == "regularly" and follow_up.is_answered
    assert set(follow_up.fiches.values_list("pk", flat=True)) == {used.pk, fiches[1].pk}
    assert list(follow_up.obstacles.values_list("code", flat=True)) == ["time"]
    statement = Statement.objects.get(statement_id=follow_up.statement_id)
    assert statement.verb_id == ANSWERED and not statement.trusted
    extensions = statement.data["result"]["extensions"]
    assert extensions[xs.extension_usage_frequency()] == "regularly"
    assert set(extensions[xs.extension_fiches_used()]) == {used.xapi_activity_id, fiches[1].xapi_activity_id}
    assert "Avez-vous réutilisé" not in helpers.text(client.get("/mon-parcours/"))

    # A second answer is refused and changes nothing.
    again = client.post(url(module), {"frequency": "never"})
    assert again.status_code == 200
    assert "Vous avez déjà répondu" in helpers.text(again)
    with pytest.raises(services.PracticeError) as error:
        answer(newcomer, module, frequency="never")
    assert error.value.code == "answered"
    follow_up.refresh_from_db()
    assert follow_up.frequency == "regularly"
    assert Statement.objects.filter(verb_id=ANSWERED, actor_account_name=newcomer.xapi_account_name).count() == 1


@pytest.mark.parametrize(
    "days_ago, status, message",
    [(None, 403, "posée aux agents qui ont suivi le module"), (20, 403, "Cette question vous sera posée le")],
)
def test_the_question_is_refused_to_those_it_is_not_for(
    client, newcomer, module, follow_up_days, days_ago, status, message
):
    if days_ago is not None:
        helpers.attended_days_ago(newcomer, module, days_ago)
    client.force_login(newcomer)
    for response in (client.get(url(module)), client.post(url(module), {"frequency": "once"})):
        assert response.status_code == status
        assert message in helpers.text(response)
    assert not FollowUp.objects.filter(user=newcomer, answered_at__isnull=False).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"frequency": "souvent"}, "Choisissez l’une des réponses proposées."),
        ({}, "Choisissez l’une des réponses proposées."),
        ({"frequency": "never", "fiches": "FIRST"}, "Vous avez coché des fiches"),
        ({"frequency": "once", "fiches": "999999"}, "Choisissez parmi les fiches du module."),
        ({"frequency": "once", "obstacles": ["boredom"]}, "Choisissez parmi les freins proposés."),
        ({"frequency": "once", "other_obstacle": "x" * 501}, "500 caractères"),
    ],
)
def test_bad_answers_are_refused_in_french_and_change_nothing(client, newcomer, module, follow_up_days, data, message):
    helpers.attended_days_ago(newcomer, module, 70)
    if data.get("fiches") == "FIRST":
        data["fiches"] = [helpers.fiches_of(module)[0].pk]
    client.force_login(newcomer)
    response = client.post(url(module), data)
    assert response.status_code == 400
    assert message in helpers.text(response)
    assert not FollowUp.objects.filter(user=newcomer, answered_at__isnull=False).exists()
    assert not Statement.objects.filter(verb_id=ANSWERED, actor_account_name=newcomer.xapi_account_name).exists()


def test_an_unknown_module_is_a_404(client, newcomer):
    client.force_login(newcomer)
    assert client.get("/pratiques/suivi/999999/").status_code == 404


def test_one_follow_up_row_per_agent_and_module(newcomer, module):
    from django.db import IntegrityError, transaction

    FollowUp.objects.create(user=newcomer, module=module)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(user=newcomer, module=module)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_store_one(follow_up_days):
    call_command("load_demo", verbosity=0, skip_index=True, stdout=io.StringIO())
    user = helpers.make_agent()
    module = helpers.entry_module()
    helpers.attended_days_ago(user, module, 70)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit(frequency):
        try:
            barrier.wait(timeout=10)
            results.append(answer(user, module, frequency=frequency).pk)
        except services.PracticeError as error:
            errors.append(error.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit, args=(f,)) for f in ("once", "sometimes", "regularly", "never")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 1 and sorted(errors) == ["answered"] * 3
    assert FollowUp.objects.filter(user=user, module=module).count() == 1
    assert Statement.objects.filter(verb_id=ANSWERED, actor_account_name=user.xapi_account_name).count() == 1


# --- Reminders ----------------------------------------------------------------------------------------


def run():
    out = io.StringIO()
    call_command("send_follow_up_reminders", stdout=out)
    return out.getvalue()


def reminded(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_reminders_are_sent_once_when_the_question_opens(module, follow_up_days):
    run()  # the demo's own attendances
    due, early, answered, old = (helpers.make_agent() for _ in range(4))
    helpers.attended_days_ago(due, module, 61)
    helpers.attended_days_ago(early, module, 40)
    helpers.attended_days_ago(answered, module, 62)
    answer(answered, module)
    helpers.attended_days_ago(old, module, 60 + services.REMINDER_CATCH_UP_DAYS + 5)  # opened long ago: no email
    mail.outbox.clear()
    output = " ".join(run().split())
    assert "Questions de suivi envoyées : 1, en échec : 0." in output
    assert len(reminded(due)) == 1
    assert reminded(early) == reminded(answered) == reminded(old) == []
    message = reminded(due)[0]
    assert "Avez-vous réutilisé ce que vous avez appris" in message.subject
    assert url(module) in message.body
    assert FollowUp.objects.get(user=due, module=module).reminder_sent_at is not None

    run()
    assert len(reminded(due)) == 1  # idempotent
    # The old attendance still has its card in Mon parcours (the question is open), without an email.
    assert [d.module_id for d in services.due_follow_ups(old)] == [module.pk]


def test_a_failing_mail_server_leaves_the_reminder_to_retry(module, follow_up_days, monkeypatch):
    user = helpers.make_agent()
    helpers.attended_days_ago(user, module, 61)

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("practices.emails.send_follow_up_reminder", broken)
    with pytest.raises(Exception, match="relancées"):
        run()
    assert FollowUp.objects.get(user=user, module=module).reminder_sent_at is None
    monkeypatch.undo()
    mail.outbox.clear()
    run()
    assert len(reminded(user)) == 1


def test_a_reminder_claimed_by_another_scheduler_is_not_sent_twice(module, follow_up_days, monkeypatch):
    """Two schedulers at once: the conditional UPDATE decides, and the one that loses the claim sends nothing."""
    user = helpers.make_agent()
    helpers.attended_days_ago(user, module, 61)
    sent = []
    monkeypatch.setattr("practices.emails.send_follow_up_reminder", lambda follow_up: sent.append(follow_up.pk))
    real_get_or_create = FollowUp.objects.get_or_create

    def claimed_meanwhile(**kwargs):
        follow_up, created = real_get_or_create(**kwargs)
        FollowUp.objects.filter(pk=follow_up.pk).update(reminder_sent_at=timezone.now())  # the other scheduler
        return follow_up, created

    monkeypatch.setattr(FollowUp.objects, "get_or_create", claimed_meanwhile)
    assert services.send_follow_up_reminders() == (0, 0)
    assert sent == []


def test_obstacle_rows_are_counted_once(newcomer, module, follow_up_days):
    helpers.attended_days_ago(newcomer, module, 61)
    follow_up = answer(
        newcomer, module, frequency="never", obstacles=["time", "time", "team"], other_obstacle="Trop de réunions"
    )
    assert sorted(FollowUpObstacle.objects.filter(follow_up=follow_up).values_list("code", flat=True)) == [
        "other",
        "team",
        "time",
    ]
