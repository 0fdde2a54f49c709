"""The practices part of an agent's personal data: what « Mes données » exports, what an erasure changes.

The personal-data service (progress) calls `export(user)` and `erase(user)`; this app owns its tables.
Erasure keeps the anonymous facts the programme counts (a fiche used on a day, with a team of a given size,
in a setting, rated; a follow-up answer's choices) attached to the anonymised account, like registrations,
and removes what the agent wrote: the accounts (shared or not, published or not) and the free-text
obstacle. The agent's statements are removed by the erasure itself (listed for the LRS), so the rows lose
their statement ids.
"""

from core import fragments
from practices.models import Declaration, FollowUp, Moderation, Sharing


def _iso(value):
    return value.isoformat() if value else None


def export(user):
    """{"practice_declarations": [...], "follow_ups": [...]}: everything practices holds about the agent."""
    declarations = Declaration.objects.filter(user=user).select_related("fiche").order_by("used_on", "pk")
    follow_ups = (
        FollowUp.objects.filter(user=user)
        .select_related("module")
        .prefetch_related("fiches", "obstacles")
        .order_by("created_at", "pk")
    )
    return {
        "practice_declarations": [
            {
                "fiche": d.fiche.title,
                "used_on": _iso(d.used_on),
                "team_size": d.team_size,
                "audience": d.audience,
                "setting": d.setting,
                "rating": d.rating,
                "account": d.account,
                "sharing": d.sharing,
                "moderation": d.moderation,
                "rejection_reason": d.rejection_reason,
                "published_at": _iso(d.published_at),
                "declared_at": _iso(d.created_at),
                "statement": str(d.statement_id) if d.statement_id else None,
            }
            for d in declarations
        ],
        "follow_ups": [
            {
                "module": f.module.title,
                "reminder_sent_at": _iso(f.reminder_sent_at),
                "answered_at": _iso(f.answered_at),
                "frequency": f.frequency,
                "fiches_used": [fiche.title for fiche in f.fiches.all()],
                "obstacles": sorted(obstacle.code for obstacle in f.obstacles.all()),
                "other_obstacle": f.other_obstacle,
            }
            for f in follow_ups
        ],
    }


def erase(user):
    """Remove what the agent wrote and the links to their (deleted) statements; call inside the erasure's
    transaction. Returns the number of declarations and follow-ups kept as anonymous facts."""
    declarations = Declaration.objects.filter(user=user).update(
        account="",
        sharing=Sharing.PRIVATE,
        moderation=Moderation.NOT_SHARED,
        rejection_reason="",
        published_at=None,
        statement_id=None,
    )
    follow_ups = FollowUp.objects.filter(user=user).update(other_obstacle="", statement_id=None)
    # Updates send no signal: the fiches must stop showing the accounts, the follow-ups their free text.
    fragments.bump(fragments.PRACTICES, fragments.FOLLOW_UPS)
    return declarations, follow_ups
