"""The self-declared badge rule: N declared uses of M different fiches, labelled self-declared everywhere."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learning_records.models import Statement
from practices import services
from progress.models import Badge, BadgeAward
from progress.services import badges, openbadges
from tests.practices import helpers

pytestmark = pytest.mark.django_db

SLUGS = ["persona", "brainstorming", "world-cafe"]


@pytest.fixture
def practitioner():
    return Badge.objects.get(rule=Badge.Rule.DECLARED_USES)


def declare_uses(user, slugs, on_commit):
    declarations = []
    for index, slug in enumerate(slugs):
        with on_commit():  # the badge is evaluated once the declaration is committed
            declarations.append(
                helpers.declare(user, helpers.fiche(slug), used_on=timezone.localdate() - timedelta(days=index + 1))
            )
    return declarations


def award(user, badge):
    return BadgeAward.objects.filter(user=user, badge=badge).first()


def test_the_demo_badge_asks_five_uses_of_three_fiches(practitioner):
    assert (practitioner.count, practitioner.fiche_count) == (5, 3)
    assert practitioner.is_self_declared


def test_the_badge_is_earned_and_taken_back_with_the_declarations(newcomer, practitioner, on_commit):
    declarations = declare_uses(newcomer, ["persona", "persona", "brainstorming", "brainstorming"], on_commit)
    assert award(newcomer, practitioner) is None  # four uses, two fiches
    declarations += declare_uses(newcomer, ["persona"], on_commit)
    assert award(newcomer, practitioner) is None  # five uses, still two fiches
    declarations += declare_uses(newcomer, ["world-cafe"], on_commit)
    earned = award(newcomer, practitioner)
    assert earned is not None and not earned.revoked
    statement = Statement.objects.get(statement_id=earned.earned_statement_id)
    assert statement.trusted  # the server awards the badge; its rule says it is self-declared

    # Withdrawing the only use of a fiche makes the rule fail: the badge is revoked (and reinstated later).
    with on_commit():
        services.withdraw(declarations[-1], newcomer)
    earned.refresh_from_db()
    assert earned.revoked and earned.revocation_kind == BadgeAward.RevocationKind.RULE
    assert Statement.objects.get(statement_id=statement.statement_id).voided
    declare_uses(newcomer, ["world-cafe"], on_commit)
    earned.refresh_from_db()
    assert not earned.revoked


def test_a_new_badge_goes_to_those_who_already_qualify(newcomer, on_commit):
    declare_uses(newcomer, SLUGS, on_commit)
    image = Badge.objects.get(rule=Badge.Rule.DECLARED_USES).image
    with on_commit():
        badge = Badge.objects.create(
            name="Explorateur·rice", description="Trois fiches essayées.", criteria="Trois fiches différentes.",
            image=image, rule=Badge.Rule.DECLARED_USES, count=3, fiche_count=3,
        )  # fmt: skip
    assert award(newcomer, badge) is not None
    assert newcomer.pk in badges.qualifying_user_ids(badge)


def test_the_rule_reads_the_agents_own_declarations_never_the_statement_store(newcomer, practitioner, on_commit):
    declare_uses(newcomer, SLUGS, on_commit)
    with CaptureQueriesContext(connection) as small:
        badges.evaluate(newcomer)
    # Many more declarations (and statements) by other agents do not change what the evaluation costs.
    for _ in range(5):
        declare_uses(helpers.make_agent(), SLUGS, on_commit)
    with CaptureQueriesContext(connection) as large:
        badges.evaluate(newcomer)
    assert len(large) == len(small)
    statement_table = Statement._meta.db_table
    assert not [q["sql"] for q in large if statement_table in q["sql"]]
    practice_queries = [q["sql"] for q in large if "practices_declaration" in q["sql"]]
    assert len(practice_queries) == 1 and '"practices_declaration"."user_id" = ' in practice_queries[0]


def test_the_badge_says_it_is_self_declared(client, newcomer, practitioner, on_commit):
    data = openbadges.badge_class_json(practitioner)
    assert "Badge auto-déclaré" in data["criteria"]["narrative"]
    assert practitioner.criteria in data["criteria"]["narrative"]
    assert data["tags"] == ["auto-déclaré"]
    public = client.get(f"/mon-parcours/openbadges/badges/{practitioner.activity_uuid}.json").json()
    assert "Badge auto-déclaré" in public["criteria"]["narrative"]
    # Module badges say nothing of the kind.
    module_badge = Badge.objects.filter(rule=Badge.Rule.ALL_MODULES).first()
    assert "tags" not in openbadges.badge_class_json(module_badge)
    assert "auto-déclaré" not in openbadges.badge_class_json(module_badge)["criteria"]["narrative"]

    declare_uses(newcomer, ["persona", "persona", *SLUGS], on_commit)
    client.force_login(newcomer)
    html = helpers.text(client.get("/mon-parcours/"))
    assert "Praticien·ne" in html and ">auto-déclaré</p>" in html


@pytest.mark.parametrize("count, fiche_count, field", [(0, 1, "count"), (5, 0, "fiche_count"), (2, 3, "fiche_count")])
def test_the_rule_needs_coherent_numbers(practitioner, count, fiche_count, field):
    practitioner.count, practitioner.fiche_count = count, fiche_count
    with pytest.raises(ValidationError) as error:
        practitioner.full_clean()
    assert field in error.value.message_dict
