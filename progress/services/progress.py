"""Progress computed from trusted xAPI statements, incrementally (signals) or from scratch (rebuild).

Every relevant statement has one *effect*: +1 on one counter of one (agent, module) Progress row, or of the
agent's TrainerProgress row. Voiding applies the same effect with -1. Counters make the result independent
of the order of statements and voids, so `rebuild()` gives exactly the rows the store's batches maintained. A
row whose counters all fall back to zero (and that is not planned) is deleted, as a rebuild would never
create it.

The counters are kept in the storing transaction (`apply_batch`, from the `statements_stored` receiver): they
commit or roll back with the statements, so they always equal a rebuild. Each batch costs a constant number
of indexed queries whatever its size and the size of the store; badge checks run after the commit
(progress/receivers.py).
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from learning_records.activities import activity_iri
from learning_records.models import Statement
from learning_records.statements import extension_facilitator_role
from learning_records.vocabulary import (
    ATTENDED,
    COMPLETED,
    HOSTED,
    PROGRESS_VERBS,
    REGISTERED,
)
from parcours.models import ModulePage
from progress.models import PathChoice, Progress, TrainerProgress
from training_sessions.models import Session

VERBS = PROGRESS_VERBS

LEAD, CO_FACILITATOR = "lead", "co-facilitator"


@dataclass(frozen=True)
class Effect:
    account_name: str
    field: str  # a Progress counter (registered, attended, completed; "-registered") or a TrainerProgress one
    module_uuid: uuid.UUID | None = None  # None for trainer effects
    session_uuid: uuid.UUID | None = None  # session whose module is unknown from the statement itself

    @property
    def is_trainer(self):
        return self.field in ("led", "co_facilitated")


def uuid_from_iri(iri, kind):
    """The activity UUID at the end of one of our activity IRIs of this kind, else None."""
    if not iri:
        return None
    prefix = activity_iri(kind, "")
    if not iri.startswith(prefix):
        return None
    try:
        return uuid.UUID(iri[len(prefix) :].strip("/"))
    except ValueError:
        return None


def _parents(data):
    parents = ((data.get("context") or {}).get("contextActivities") or {}).get("parent") or []
    if isinstance(parents, dict):
        parents = [parents]
    return [p.get("id") for p in parents if isinstance(p, dict)]


def _facilitator_role(data):
    key = extension_facilitator_role()
    extensions = (data.get("context") or {}).get("extensions") or {}
    if not isinstance(extensions, dict):
        return None
    return extensions.get(key)


def statement_effect(statement, uuids=None):
    """The effect of a statement on progress, or None (untrusted, not ours, not a progress verb…). `uuids`: a
    dict remembering uuid_from_iri's answers, for a batch that names the same activities many times."""
    if not statement.trusted or getattr(statement, "is_voiding", False):
        return None
    if statement.verb_id not in VERBS or not statement.actor_account_name:
        return None
    data = statement.data or {}
    account = statement.actor_account_name
    if statement.verb_id == HOSTED:
        role = _facilitator_role(data)
        if role == LEAD:
            return Effect(account, "led")
        if role == CO_FACILITATOR:
            return Effect(account, "co_facilitated")
        return None
    if uuids is None:
        uuids = {}

    def activity_uuid(iri, kind):
        key = (iri, kind)
        if key not in uuids:
            uuids[key] = uuid_from_iri(iri, kind)
        return uuids[key]

    if statement.verb_id == COMPLETED:
        module_uuid = activity_uuid(statement.object_activity_id, "module")
        return Effect(account, "completed", module_uuid=module_uuid) if module_uuid else None
    # Session statements: the module is the statement's parent (fallback: the session's module).
    session_uuid = activity_uuid(statement.object_activity_id, "session")
    if session_uuid is None:
        return None
    module_uuid = next((u for u in (activity_uuid(i, "module") for i in _parents(data)) if u), None)
    if statement.verb_id == ATTENDED:
        field = "attended"
    elif statement.verb_id == REGISTERED:
        field = "registered"
    else:  # unregistered: cancels a registration
        field = "-registered"
    return Effect(account, field, module_uuid=module_uuid, session_uuid=None if module_uuid else session_uuid)


def _split(field):
    return (field[1:], -1) if field.startswith("-") else (field, 1)


def _module_id_for(effect):
    if effect.module_uuid:
        return ModulePage.objects.filter(activity_uuid=effect.module_uuid).values_list("id", flat=True).first()
    if effect.session_uuid:
        return Session.objects.filter(activity_uuid=effect.session_uuid).values_list("module_id", flat=True).first()
    return None


def batch_effects(statements, voided=()):
    """[(effect, sign)] of a stored batch: +1 for each new statement, -1 for each statement it voided.

    Pure: no query. Statements that cannot change progress (another verb, untrusted, not about one of our
    activities) have no effect and are dropped here."""
    effects, uuids = [], {}
    for statement in statements:
        effect = statement_effect(statement, uuids)
        if effect is not None:
            effects.append((effect, 1))
    for target, _voiding in voided:
        effect = statement_effect(target, uuids)
        if effect is not None:
            effects.append((effect, -1))
    return effects


def apply_batch(statements, voided=()):
    """Apply a stored batch to the progress counters, in the caller's (storing) transaction.

    A constant number of queries per batch whatever its size: none when no statement has an effect; else
    the agents, modules and sessions named by the batch (one query each), then the Progress and
    TrainerProgress rows touched (locked, created when missing, updated or dropped in bulk).

    Returns {user_id: revoke_failing} for the agents whose badges may have changed (a module entering or
    leaving "completed", a facilitation count changing; `revoke_failing` when a void took something back),
    for badges.record_checks.
    """
    effects = batch_effects(statements, voided)
    if not effects:
        return {}
    users = dict(
        get_user_model()
        .objects.filter(xapi_account_name__in={effect.account_name for effect, _sign in effects})
        .values_list("xapi_account_name", "id")
    )
    module_uuids = {effect.module_uuid for effect, _sign in effects if effect.module_uuid}
    session_uuids = {effect.session_uuid for effect, _sign in effects if effect.session_uuid}
    modules = (
        dict(ModulePage.objects.filter(activity_uuid__in=module_uuids).values_list("activity_uuid", "id"))
        if module_uuids and users
        else {}
    )
    sessions = (
        dict(Session.objects.filter(activity_uuid__in=session_uuids).values_list("activity_uuid", "module_id"))
        if session_uuids and users
        else {}
    )
    progress_deltas = defaultdict(Counter)
    trainer_deltas = defaultdict(Counter)
    revoking = set()
    for effect, sign in effects:
        user_id = users.get(effect.account_name)
        if user_id is None:
            continue
        field, direction = _split(effect.field)
        if effect.is_trainer:
            trainer_deltas[user_id][field] += sign * direction
        else:
            module_id = modules.get(effect.module_uuid) if effect.module_uuid else sessions.get(effect.session_uuid)
            if module_id is None:
                continue
            progress_deltas[(user_id, module_id)][field] += sign * direction
        if sign < 0:
            revoking.add(user_id)
    changed = _apply_progress({key: c for key, c in progress_deltas.items() if any(c.values())})
    changed |= _apply_trainer({key: c for key, c in trainer_deltas.items() if any(c.values())})
    return {user_id: user_id in revoking for user_id in sorted(changed)}


def _apply_progress(deltas):
    """Add `deltas` {(user_id, module_id): Counter} to the Progress rows; return the agents whose completion
    of a module changed."""
    if not deltas:
        return set()
    user_ids = {user_id for user_id, _module in deltas}
    module_ids = {module_id for _user, module_id in deltas}

    def locked():
        rows = Progress.objects.select_for_update().filter(user_id__in=user_ids, module_id__in=module_ids)
        return {(row.user_id, row.module_id): row for row in rows if (row.user_id, row.module_id) in deltas}

    rows = locked()
    missing = set(deltas) - set(rows)
    if missing:
        planned = set(
            PathChoice.objects.filter(user_id__in=user_ids, module_id__in=module_ids).values_list(
                "user_id", "module_id"
            )
        )
        # ON CONFLICT DO NOTHING: a row created meanwhile by the agent's path (set_planned) is kept, then locked.
        Progress.objects.bulk_create(
            [Progress(user_id=u, module_id=m, planned=(u, m) in planned) for u, m in sorted(missing)],
            ignore_conflicts=True,
        )
        rows = locked()
    changed, to_update, to_delete, now = set(), [], [], timezone.now()
    for key, counter in deltas.items():
        row = rows[key]
        row.updated_at = now
        was_completed = row.status == Progress.Status.COMPLETED
        for field, delta in counter.items():
            setattr(row, field, getattr(row, field) + delta)
        row.status = row.compute_status()
        if was_completed != (row.status == Progress.Status.COMPLETED):
            changed.add(row.user_id)
        if row.planned or row.registered or row.attended or row.completed:
            to_update.append(row)
        else:
            to_delete.append(row.pk)
    if to_update:
        Progress.objects.bulk_update(to_update, ["registered", "attended", "completed", "status", "updated_at"])
    if to_delete:
        Progress.objects.filter(pk__in=to_delete).delete()
    return changed


def _apply_trainer(deltas):
    """Add `deltas` {user_id: Counter} to the TrainerProgress rows; return the agents whose counts changed."""
    if not deltas:
        return set()

    def locked():
        return {row.user_id: row for row in TrainerProgress.objects.select_for_update().filter(user_id__in=deltas)}

    rows = locked()
    if set(deltas) - set(rows):
        TrainerProgress.objects.bulk_create(
            [TrainerProgress(user_id=user_id) for user_id in sorted(set(deltas) - set(rows))], ignore_conflicts=True
        )
        rows = locked()
    to_update, to_delete, now = [], [], timezone.now()
    for user_id, counter in deltas.items():
        row = rows[user_id]
        row.updated_at = now
        for field, delta in counter.items():
            setattr(row, field, getattr(row, field) + delta)
        (to_update if row.led or row.co_facilitated else to_delete).append(row)
    if to_update:
        TrainerProgress.objects.bulk_update(to_update, ["led", "co_facilitated", "updated_at"])
    if to_delete:
        TrainerProgress.objects.filter(pk__in=[row.pk for row in to_delete]).delete()
    return set(deltas)


def _save_or_drop(row):
    row.status = row.compute_status()
    if not row.planned and not (row.registered or row.attended or row.completed):
        if row.pk:
            row.delete()
        return
    row.save()


def set_planned(user, module_ids):
    """Keep `planned` on the agent's Progress rows in line with their personal path."""
    module_ids = set(module_ids)
    rows = {p.module_id: p for p in Progress.objects.filter(user=user)}
    for module_id in module_ids | set(rows):
        row = rows.get(module_id) or Progress(user=user, module_id=module_id)
        planned = module_id in module_ids
        if row.pk and row.planned == planned:
            continue
        row.planned = planned
        _save_or_drop(row)


# --- Rebuild ------------------------------------------------------------------------------------------


PROGRESS_FIELDS = ("planned", "registered", "attended", "completed", "status")


def snapshot():
    """Every Progress and TrainerProgress row as comparable tuples (to check a rebuild changes nothing)."""
    progress = set(Progress.objects.values_list("user_id", "module_id", *PROGRESS_FIELDS))
    trainer = set(TrainerProgress.objects.values_list("user_id", "led", "co_facilitated"))
    return progress, trainer


def rebuild(chunk_size=2000):
    """Recompute every progress row from the statement store alone (plus the agents' path choices).

    Reads each trusted, active statement once, in `stored` order, with a few lookup tables loaded up front.
    Returns (number of statements read, number of Progress rows, number of TrainerProgress rows).
    """
    users = dict(get_user_model().objects.values_list("xapi_account_name", "id"))
    modules = dict(ModulePage.objects.values_list("activity_uuid", "id"))
    sessions = dict(Session.objects.values_list("activity_uuid", "module_id"))
    counters = defaultdict(Counter)
    trainers = defaultdict(Counter)
    read = 0
    statements = (
        Statement.objects.active()
        .trusted()
        .filter(verb_id__in=VERBS)
        .only("verb_id", "object_activity_id", "actor_account_name", "trusted", "is_voiding", "data")
        .order_by("stored")
    )
    for statement in statements.iterator(chunk_size=chunk_size):
        read += 1
        effect = statement_effect(statement)
        if effect is None:
            continue
        user_id = users.get(effect.account_name)
        if user_id is None:
            continue
        field, direction = _split(effect.field)
        if effect.is_trainer:
            trainers[user_id][field] += direction
            continue
        module_id = modules.get(effect.module_uuid) if effect.module_uuid else sessions.get(effect.session_uuid)
        if module_id is None:
            continue
        counters[(user_id, module_id)][field] += direction
    for user_id, module_id in PathChoice.objects.values_list("user_id", "module_id"):
        counters[(user_id, module_id)]["planned"] = 1

    rows = []
    for (user_id, module_id), counter in counters.items():
        row = Progress(
            user_id=user_id,
            module_id=module_id,
            planned=bool(counter["planned"]),
            registered=counter["registered"],
            attended=counter["attended"],
            completed=counter["completed"],
        )
        row.status = row.compute_status()
        if row.planned or row.registered or row.attended or row.completed:
            rows.append(row)
    trainer_rows = [
        TrainerProgress(user_id=user_id, led=c["led"], co_facilitated=c["co_facilitated"])
        for user_id, c in trainers.items()
        if c["led"] or c["co_facilitated"]
    ]
    with transaction.atomic():
        Progress.objects.all().delete()
        TrainerProgress.objects.all().delete()
        Progress.objects.bulk_create(rows, batch_size=1000)
        TrainerProgress.objects.bulk_create(trainer_rows, batch_size=1000)
    return read, len(rows), len(trainer_rows)
