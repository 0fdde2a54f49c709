"""Voiding (docs/xapi-profile.md, "Voiding"): who may void what, the checks before a batch is stored, and
marking the targets voided (once), including targets that arrive after their voiding statement. Called by the
store (store.py) under its lock.
"""

import uuid
from typing import NamedTuple

from .models import Statement
from .validation import VOIDED_VERB, StatementError, StatementForbidden


class Voider(NamedTuple):
    """Who sends a voiding statement: its trust, and the credential or browser user that stores it."""

    trusted: bool
    credential_id: int | None
    user_id: int | None

    @classmethod
    def of(cls, statement):
        """The authority a stored statement was written with."""
        return cls(statement.trusted, statement.credential_id, statement.user_id)

    def may_void(self, target):
        """The voiding rule (docs/xapi-profile.md, "Voiding"): the server and trusted credentials void any
        statement; an untrusted credential only the statements it stored itself; a signed-in agent's browser
        only the untrusted statements that same browser session user stored. Anything else (including a
        credential since deleted) voids nothing."""
        if self.trusted:
            return True
        if self.credential_id is not None:
            return target.credential_id == self.credential_id
        if self.user_id is not None:
            return target.user_id == self.user_id and not target.trusted
        return False


def check_voiding(new_items, voider):
    """Refuse a voiding statement that targets a voiding statement (400) or a stored statement its sender may
    not void (403: Voider.may_void). The target may be unknown: the spec says the LRS should not reject it
    then (Data 2.3.2); it is voided on arrival if the same rule allows it (void_late_targets)."""
    wanted = {}
    for statement_id, item in new_items:
        if item.data["verb"]["id"] == VOIDED_VERB:
            wanted[statement_id] = str(uuid.UUID(item.data["object"]["id"]))
    if not wanted:
        return {}
    stored_targets = {
        str(target.statement_id): target
        for target in Statement.objects.filter(statement_id__in=set(wanted.values())).only(
            "statement_id", "is_voiding", "trusted", "credential_id", "user_id"
        )
    }
    for voiding_id, target_id in wanted.items():
        target = stored_targets.get(target_id)
        if target_id in wanted or (target is not None and target.is_voiding):
            raise StatementError(f"statement {voiding_id} voids {target_id}, which is a voiding statement")
        if target is not None and not voider.may_void(target):
            raise StatementForbidden(
                f"statement {voiding_id} voids {target_id}: only the authority that stored it, the server or a "
                "trusted credential may void it"
            )
    return wanted


def void_late_targets(rows, referrers, already=()):
    """New statements already targeted by a stored voiding statement are voided on arrival, by the first
    such voiding statement (in `stored` order) whose sender may void them; `referrers`: the statements stored
    earlier that target the new ones (store.prior_state); `already`: pks voided by this batch itself. A voiding
    statement not allowed to void its target stays stored without effect."""
    candidates = {row.statement_id: row for row in rows if not row.is_voiding and row.pk not in already}
    voiding_by_target = {}
    for voiding in sorted((r for r in referrers if r.is_voiding and r.target in candidates), key=lambda r: r.stored):
        target = candidates[voiding.target]
        if target.statement_id not in voiding_by_target and Voider.of(voiding).may_void(target):
            voiding_by_target[target.statement_id] = voiding.pk
    if not voiding_by_target:
        return []
    late = [candidates[target] for target in voiding_by_target]
    Statement.objects.filter(pk__in=[row.pk for row in late]).update(voided=True)
    for row in late:
        row.voided = True
    voidings = Statement.objects.in_bulk(list(voiding_by_target.values()))
    return [(row, voidings[voiding_by_target[row.statement_id]]) for row in late]


def void_targets(rows, targets):
    """Mark the targets of this batch's voiding statements voided, once: a statement already voided is never
    voided again (its effects were already taken back)."""
    if not targets:
        return []
    voiding_by_target = {}
    for row in rows:
        if str(row.statement_id) in targets:
            voiding_by_target[uuid.UUID(targets[str(row.statement_id)])] = row
    voided_rows = list(
        Statement.objects.filter(statement_id__in=list(voiding_by_target), is_voiding=False, voided=False)
    )
    Statement.objects.filter(pk__in=[row.pk for row in voided_rows]).update(voided=True)
    for row in voided_rows:
        row.voided = True
    return [(row, voiding_by_target[row.statement_id]) for row in voided_rows]
