"""The demo content shows real figures on the fiches, in Mon parcours and in the dashboard."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from learning_records.models import Statement
from practices.models import Declaration, FollowUp, Moderation
from progress.models import BadgeAward

pytestmark = pytest.mark.django_db


def test_demo_declarations_span_fiches_directorates_and_moderation_states():
    declarations = Declaration.objects.all()
    assert declarations.count() >= 30
    assert declarations.values("fiche").distinct().count() >= 10
    assert declarations.values("user__directorate").distinct().count() >= 6
    states = dict(declarations.values_list("moderation").annotate(n=Count("pk")))
    assert states[Moderation.PUBLISHED] >= 5 and states[Moderation.PENDING] == 1 and states[Moderation.REJECTED] == 1
    assert declarations.outside_training().exists()
    # Every declaration has its untrusted `used` statement, still active.
    ids = list(declarations.values_list("statement_id", flat=True))
    assert Statement.objects.active().filter(statement_id__in=ids, trusted=False).count() == len(ids)


def test_demo_follow_up_answers_and_badge():
    assert FollowUp.objects.filter(answered_at__isnull=False).count() >= 5
    assert FollowUp.objects.filter(answered_at__isnull=False, frequency="never").exists()
    assert BadgeAward.objects.filter(badge__rule="declared_uses", user__username="demo.agent07").exists()
    assert Declaration.objects.filter(user__username="agent2").count() == 4


def test_loading_the_demo_twice_changes_nothing():
    before = (Declaration.objects.count(), FollowUp.objects.count(), Statement.objects.count())
    call_command("load_demo", verbosity=0, skip_index=True, stdout=io.StringIO())
    assert (Declaration.objects.count(), FollowUp.objects.count(), Statement.objects.count()) == before
