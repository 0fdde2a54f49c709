import pytest

from learning_records import events
from learning_records import statements as builders
from learning_records.store import save_statements
from progress.models import Badge, BadgeAward, Progress, TrainerProgress
from progress.services import badges
from progress.services import progress as progress_service
from tests.progress.helpers import attend, committed, entry_module, host, make_session, make_user, other_modules

pytestmark = pytest.mark.django_db


def test_trusted_attendance_completes_the_module_and_awards_its_badge():
    user = make_user("lea")
    session = make_session(entry_module())
    attend(user, session)
    row = Progress.objects.get(user=user, module=session.module)
    assert (row.registered, row.attended, row.completed, row.status) == (1, 1, 1, "completed")
    award = BadgeAward.objects.get(user=user, badge__name=f"Module {session.module.title}")
    assert not award.revoked
    from learning_records.models import Statement

    earned = Statement.objects.get(statement_id=award.earned_statement_id)
    assert earned.verb_id == "http://id.tincanapi.com/verb/earned"
    assert earned.actor_account_name == user.xapi_account_name
    assert award.assertion_url() in earned.exact


def test_registration_and_cancellation_follow_the_statements():
    user = make_user("ines")
    session = make_session(other_modules()[0], days=10)
    reg = progress_service  # noqa: F841 – readability
    events.registered(user, session, "0b6c1f58-2b0f-4d8e-8d3c-3b0e5b1f4a01")
    assert Progress.objects.get(user=user, module=session.module).status == "registered"
    events.unregistered(user, session, "0b6c1f58-2b0f-4d8e-8d3c-3b0e5b1f4a01")
    assert not Progress.objects.filter(user=user, module=session.module).exists()


def test_browser_and_untrusted_statements_never_complete_a_module():
    from learning_records.models import Credential

    user = make_user("mallory")
    module = entry_module()
    # The agent's own browser posts "completed" for themselves.
    save_statements(builders.build_completed(user, module), user=user)
    # An untrusted API client does the same.
    credential = Credential(name="untrusted", scopes=["statements/write"], trusted=False)
    credential.set_secret("s3cret-s3cret")
    credential.save()
    save_statements(builders.build_completed(user, module), credential=credential)
    assert not Progress.objects.filter(user=user).exists()
    assert not BadgeAward.objects.filter(user=user).exists()


def test_voiding_attendance_takes_back_progress_and_badge():
    user = make_user("hugo2")
    session = make_session(entry_module())
    _registration, attended, completed = attend(user, session)
    award = BadgeAward.objects.get(user=user, badge__name=f"Module {session.module.title}")
    with committed():
        events.void(attended)
        events.void(completed)
    row = Progress.objects.get(user=user, module=session.module)
    assert (row.attended, row.completed, row.status) == (0, 0, "registered")
    award.refresh_from_db()
    assert award.revoked and award.revocation_kind == "rule"
    # Attendance marked again: the same award is reinstated (once per agent).
    attend(user, make_session(session.module, days=-3))
    award.refresh_from_db()
    assert not award.revoked
    assert BadgeAward.objects.filter(user=user, badge=award.badge).count() == 1


def test_passinnov_badge_needs_the_entry_module_plus_three_others():
    user = make_user("zoe")
    passinnov = Badge.objects.get(name="PassInnov")
    others = other_modules()
    assert len(others) >= 3
    for module in others[:3]:
        attend(user, make_session(module))
    assert not BadgeAward.objects.filter(user=user, badge=passinnov).exists()
    attend(user, make_session(entry_module()))
    assert BadgeAward.objects.filter(user=user, badge=passinnov, revoked=False).exists()


def test_trainer_badges_count_hosted_statements_by_role():
    trainer = make_user("formatrice")
    co = Badge.objects.get(name="Co-animateur PassInnov")
    lead = Badge.objects.get(name="Formateur PassInnov")
    host(trainer, make_session(entry_module(), days=-20), "co-facilitator")
    assert not BadgeAward.objects.filter(user=trainer, badge=co).exists()
    second = host(trainer, make_session(entry_module(), days=-15), "co-facilitator")
    assert BadgeAward.objects.filter(user=trainer, badge=co, revoked=False).exists()
    host(trainer, make_session(entry_module(), days=-10), "lead")
    assert not BadgeAward.objects.filter(user=trainer, badge=lead).exists()
    host(trainer, make_session(entry_module(), days=-5), "lead")
    assert BadgeAward.objects.filter(user=trainer, badge=lead, revoked=False).exists()
    assert TrainerProgress.objects.get(user=trainer).co_facilitated == 2
    with committed():
        events.void(second)
    assert BadgeAward.objects.get(user=trainer, badge=co).revoked


def test_administrator_revocation_is_final(demo_user):
    user = make_user("final")
    session = make_session(entry_module())
    attend(user, session)
    award = BadgeAward.objects.get(user=user, badge__name=f"Module {session.module.title}")
    badges.revoke(award, "Présence enregistrée par erreur.", by=demo_user("admin"))
    award.refresh_from_db()
    assert award.revoked and award.revocation_kind == "admin"
    from learning_records.models import Statement

    assert Statement.objects.get(statement_id=award.earned_statement_id).voided
    badges.evaluate(user)
    award.refresh_from_db()
    assert award.revoked
    with pytest.raises(ValueError):
        badges.revoke(BadgeAward.objects.filter(revoked=False).first(), "  ")


def test_a_badge_is_awarded_once_per_agent():
    user = make_user("once")
    module = entry_module()
    attend(user, make_session(module, days=-30))
    attend(user, make_session(module, days=-20))
    badges.evaluate(user)
    assert BadgeAward.objects.filter(user=user, badge__name=f"Module {module.title}").count() == 1
    assert Progress.objects.get(user=user, module=module).completed == 2


def test_a_new_badge_goes_to_agents_who_already_meet_its_rule(django_capture_on_commit_callbacks):
    user, trainer = make_user("deja"), make_user("deja.formateur")
    entry, other = entry_module(), other_modules()[0]
    attend(user, make_session(entry))
    attend(user, make_session(other))
    host(trainer, make_session(entry), "lead")
    image = Badge.objects.get(name="PassInnov").image
    with django_capture_on_commit_callbacks(execute=True):
        pair = Badge.objects.create(name="Duo", description="d", criteria="c", image=image, rule="all_modules")
        pair.modules.set([entry, other])
        pair.save()
    with django_capture_on_commit_callbacks(execute=True):
        starter = Badge.objects.create(
            name="Départ", description="d", criteria="c", image=image, rule="entry_plus", count=1
        )
        lead = Badge.objects.create(name="Un", description="d", criteria="c", image=image, rule="led", count=1)
        twice = Badge.objects.create(name="Deux", description="d", criteria="c", image=image, rule="led", count=2)
    assert BadgeAward.objects.filter(user=user, badge__in=[pair, starter]).count() == 2
    assert BadgeAward.objects.filter(user=trainer, badge=lead).exists()
    assert not BadgeAward.objects.filter(badge=twice, user=trainer).exists()  # demo trainers who led two get it
    assert not BadgeAward.objects.filter(user=trainer, badge__in=[pair, starter]).exists()


def test_a_retried_statement_counts_once():
    user = make_user("retry")
    session = make_session(entry_module())
    statement = builders.build_attended(user, session, "3f1c2a4e-6b0d-4f6e-9a55-1d2c3b4a5e6f")
    save_statements(statement)
    save_statements(statement)  # same id and content: stored once, no second signal
    assert Progress.objects.get(user=user, module=session.module).attended == 1


def test_statements_about_unknown_agents_or_activities_change_nothing():
    before = progress_service.snapshot()
    save_statements(
        {
            "actor": {"objectType": "Agent", "account": {"homePage": "http://testserver", "name": "inconnu"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
            "object": {"objectType": "Activity", "id": "http://testserver/xapi/activities/module/pas-un-uuid"},
        }
    )
    user = make_user("elsewhere")
    save_statements(
        {
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": "http://testserver", "name": user.xapi_account_name},
            },
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
            "object": {"objectType": "Activity", "id": "http://example.org/xapi/activities/module/1"},
        }
    )
    assert progress_service.snapshot() == before
