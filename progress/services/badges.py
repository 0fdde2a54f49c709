"""Badge rules, automatic awarding and revocation.

Module rules read the agent's Progress rows; trainer rules read TrainerProgress, i.e. trusted `hosted`
statements (one per session facilitated, with the role), so badges too derive from the learning record
and a voided `hosted` statement takes the badge back. The self-declared rule reads the agent's declared
uses of the fiches (practices: one indexed query on the agent's own declarations, whatever the size of the
statement store); a withdrawn declaration that makes it fail takes the badge back. Such a badge says in its
public criteria that it is self-declared. A badge is awarded once per agent (unique
constraint); when a void makes its rule fail, the award is revoked (kind "rule") and reinstated if the rule
holds again; an administrator's revocation is final.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learning_records import events
from learning_records.models import Statement
from parcours.models import ModulePage
from practices import services as practices
from progress.models import Badge, BadgeAward, BadgeCheck, Progress, TrainerProgress

logger = logging.getLogger(__name__)


def required_module_ids(badge):
    """Ids of the modules an "all the modules of a list" badge requires (read from `badge.modules`)."""
    return {m.pk for m in badge.modules.all()}


def rule_holds(badge, completed_ids, entry_ids, trainer, declared=(0, 0), required=None):
    """Whether `badge`'s rule holds for an agent (completed module ids, entry module ids, TrainerProgress,
    (declared uses, different fiches)); `required`: the ids of the badge's modules when already known."""
    if badge.rule == Badge.Rule.ALL_MODULES:
        wanted = required_module_ids(badge) if required is None else set(required)
        return bool(wanted) and wanted <= completed_ids
    if badge.rule == Badge.Rule.ENTRY_PLUS:
        entry_done = entry_ids & completed_ids
        return bool(entry_done) and len(completed_ids - entry_ids) >= badge.count
    if badge.rule == Badge.Rule.DECLARED_USES:
        uses, fiches = declared
        return uses >= max(badge.count, 1) and fiches >= max(badge.fiche_count, 1)
    led = trainer.led if trainer else 0
    co = trainer.co_facilitated if trainer else 0
    if badge.rule == Badge.Rule.LED:
        return led >= badge.count
    if badge.rule == Badge.Rule.CO_FACILITATED:
        return co >= badge.count
    return False


def what_is_missing(badge, completed_ids, entry_ids, trainer, declared=(0, 0), titles=None, required=None):
    """What the agent still has to do for `badge`'s rule to hold, as French sentences (empty when it holds).

    Same inputs as `rule_holds`; `titles` maps module ids to their titles (to name the modules left). No query
    when `required` (the ids of the badge's modules) is given."""
    titles = titles or {}
    if required is None and badge.rule == Badge.Rule.ALL_MODULES:
        required = required_module_ids(badge)

    def names(ids):
        return ", ".join(f"« {titles[i]} »" for i in sorted(ids, key=lambda i: titles.get(i, "")) if i in titles)

    if rule_holds(badge, completed_ids, entry_ids, trainer, declared, required):
        return []
    missing = []
    if badge.rule == Badge.Rule.ALL_MODULES:
        left = set(required) - completed_ids
        missing.append(
            ngettext("Complete the module %(modules)s.", "Complete the modules %(modules)s.", len(left))
            % {"modules": names(left)}
        )
    elif badge.rule == Badge.Rule.ENTRY_PLUS:
        if not entry_ids & completed_ids:
            missing.append(_("Complete the entry module %(module)s.") % {"module": names(entry_ids)})
        left = max(badge.count - len(completed_ids - entry_ids), 0)
        if left:
            missing.append(
                ngettext(
                    "Complete %(count)s more module of your choice.",
                    "Complete %(count)s more modules of your choice.",
                    left,
                )
                % {"count": left}
            )
    elif badge.rule == Badge.Rule.DECLARED_USES:
        uses, fiches = declared
        more_uses = max(max(badge.count, 1) - uses, 0)
        more_fiches = max(max(badge.fiche_count, 1) - fiches, 0)
        if more_uses:
            missing.append(
                ngettext(
                    "Declare %(count)s more use of a fiche pratique.",
                    "Declare %(count)s more uses of the fiches pratiques.",
                    more_uses,
                )
                % {"count": more_uses}
            )
        if more_fiches:
            missing.append(
                ngettext(
                    "Use %(count)s more different fiche.",
                    "Use %(count)s more different fiches.",
                    more_fiches,
                )
                % {"count": more_fiches}
            )
    elif badge.rule in (Badge.Rule.LED, Badge.Rule.CO_FACILITATED):
        done = (trainer.led if badge.rule == Badge.Rule.LED else trainer.co_facilitated) if trainer else 0
        left = max(badge.count - done, 1)
        if badge.rule == Badge.Rule.LED:
            text = ngettext("Lead %(count)s more session.", "Lead %(count)s more sessions.", left)
        else:
            text = ngettext("Co-facilitate %(count)s more session.", "Co-facilitate %(count)s more sessions.", left)
        missing.append(text % {"count": left})
    return missing


def _write_earned(award):
    statement = events.earned(award.user, award.badge, award.assertion_url())
    return getattr(statement, "statement_id", None)


def _void_earned(award, by=None):
    if not award.earned_statement_id:
        return
    statement = Statement.objects.filter(statement_id=award.earned_statement_id, voided=False).first()
    if statement is not None:
        events.void(statement, reason_user=by)


def issue(user, badge, now=None):
    """Award `badge` to `user` (with its `earned` statement) and return the award."""
    award = BadgeAward(
        badge=badge,
        user=user,
        issued_on=now or timezone.now(),
    )
    award.recipient_hash = BadgeAward.hash_identity(recipient_email(user), award.salt)
    try:
        with transaction.atomic():
            award.save()
            award.earned_statement_id = _write_earned(award)
            award.save(update_fields=["earned_statement_id"])
    except IntegrityError:  # awarded concurrently: once per agent
        return BadgeAward.objects.get(badge=badge, user=user)
    return award


def recipient_email(user):
    return (user.email or f"{user.xapi_account_name}@invalid").strip().lower()


def evaluate(user, now=None, revoke_failing=True):
    """Award every active badge whose rule now holds; revoke (kind rule) those that no longer hold.

    `revoke_failing=False` only awards: a badge is taken back when a statement it relied on is voided
    (the receivers of `statement_voided`), not because an editor later tightened its rule.

    A fixed number of queries per agent: completed modules, trainer counts, entry modules, badges (with
    their modules) and the agent's awards. Returns the list of newly awarded or reinstated awards.
    """

    completed_ids = set(
        Progress.objects.filter(user=user, status=Progress.Status.COMPLETED).values_list("module_id", flat=True)
    )
    trainer = TrainerProgress.objects.filter(user=user).first()
    entry_ids = set(ModulePage.objects.filter(is_entry_module=True).values_list("id", flat=True))
    badges = list(Badge.objects.filter(active=True).prefetch_related("modules"))
    awards = {a.badge_id: a for a in BadgeAward.objects.filter(user=user)}
    declared = practices.usage_counts(user) if any(b.is_self_declared for b in badges) else (0, 0)
    changed = []
    for badge in badges:
        holds = rule_holds(badge, completed_ids, entry_ids, trainer, declared)
        award = awards.get(badge.pk)
        if holds and award is None:
            changed.append(issue(user, badge, now=now))
        elif holds and award.revoked and award.revocation_kind == BadgeAward.RevocationKind.RULE:
            award.revoked, award.revocation_kind, award.revocation_reason, award.revoked_at = False, "", "", None
            award.earned_statement_id = _write_earned(award)
            award.save()
            changed.append(award)
        elif not holds and revoke_failing and award is not None and not award.revoked:
            revoke(award, reason=_("The badge’s criteria are no longer met."), kind="rule", now=now)
    return changed


BADGE_LOCK_CLASS = 0x42444745  # "BDGE": pg_advisory_xact_lock(class, user id)


def lock_agent(user_id):
    """Serialise the badge checks of one agent until the end of the transaction (PostgreSQL; SQLite
    serialises writers itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BADGE_LOCK_CLASS, user_id])


def record_checks(checks):
    """Remember, in the storing transaction, the agents whose badges must be re-checked after it commits:
    {user_id: revoke_failing} (progress.apply_batch). One INSERT for the batch."""
    BadgeCheck.objects.bulk_create(
        [BadgeCheck(user_id=user_id, revoke_failing=revoke) for user_id, revoke in checks.items()]
    )


def process_checks(user_ids=None):
    """Carry out the pending badge checks (of these agents, or all of them): award, reinstate or revoke.

    Idempotent and safe to run concurrently: each agent is checked in its own transaction holding a lock on
    that agent (`lock_agent`: two checkers of one agent take turns), its rules read the committed progress,
    and only the checks read are deleted, so a check recorded meanwhile is carried out by the next run. Runs after
    the storing transaction commits (progress/receivers.py), outside the store's lock; `manage.py
    process_badge_checks` catches up after a crash. Returns the number of agents checked.
    """
    pending = BadgeCheck.objects.all()
    if user_ids is not None:
        pending = pending.filter(user_id__in=list(user_ids))
    done = 0
    for user_id in sorted(set(pending.values_list("user_id", flat=True))):
        with transaction.atomic():
            lock_agent(user_id)
            checks = list(BadgeCheck.objects.filter(user_id=user_id).values_list("pk", "revoke_failing"))
            if not checks:
                continue
            user = get_user_model().objects.filter(pk=user_id).first()
            if user is not None:
                evaluate(user, revoke_failing=any(revoke for _pk, revoke in checks))
            BadgeCheck.objects.filter(pk__in=[pk for pk, _revoke in checks]).delete()
            done += 1
    return done


def qualifying_user_ids(badge):
    """Ids of the agents for whom `badge`'s rule holds, computed in the database (a few queries)."""
    from django.db.models import Count

    completed = Progress.objects.filter(status=Progress.Status.COMPLETED)
    if badge.rule == Badge.Rule.ALL_MODULES:
        wanted = [m.pk for m in badge.modules.all()]
        if not wanted:
            return set()
        rows = (
            completed.filter(module_id__in=wanted)
            .values("user_id")
            .annotate(n=Count("module_id", distinct=True))
            .filter(n=len(wanted))
        )
        return {row["user_id"] for row in rows}
    if badge.rule == Badge.Rule.ENTRY_PLUS:
        entry_ids = list(ModulePage.objects.filter(is_entry_module=True).values_list("id", flat=True))
        with_entry = set(completed.filter(module_id__in=entry_ids).values_list("user_id", flat=True))
        if badge.count == 0:
            return with_entry
        rows = (
            completed.filter(user_id__in=with_entry)
            .exclude(module_id__in=entry_ids)
            .values("user_id")
            .annotate(n=Count("module_id", distinct=True))
            .filter(n__gte=badge.count)
        )
        return {row["user_id"] for row in rows}
    if badge.rule == Badge.Rule.DECLARED_USES:
        return practices.qualifying_user_ids(max(badge.count, 1), max(badge.fiche_count, 1))
    field = "led" if badge.rule == Badge.Rule.LED else "co_facilitated"
    return set(
        TrainerProgress.objects.filter(**{f"{field}__gte": max(badge.count, 1)}).values_list("user_id", flat=True)
    )


def award_to_qualifying(badge, now=None):
    """Award a (new or edited) badge to every agent who already meets its rule. Returns the number awarded."""
    if not badge.active:
        return 0
    already = set(BadgeAward.objects.filter(badge=badge).values_list("user_id", flat=True))
    awarded = 0
    for user in get_user_model().objects.filter(pk__in=qualifying_user_ids(badge) - already):
        issue(user, badge, now=now)
        awarded += 1
    return awarded


def revoke(award, reason, by=None, kind=BadgeAward.RevocationKind.ADMIN, now=None):
    """Revoke an award (its assertion then answers `revoked: true`) and void its `earned` statement."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A revocation needs a reason.")
    if award.revoked:
        return award
    award.revoked = True
    award.revocation_kind = kind
    award.revocation_reason = reason[:255]
    award.revoked_at = now or timezone.now()
    award.revoked_by = by
    with transaction.atomic():
        award.save()
        _void_earned(award, by=by)
    return award
