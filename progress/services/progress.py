"""Progress computed from trusted xAPI statements, incrementally (signals) or from scratch (rebuild).

Every relevant statement has one *effect*: +1 on one counter of one (agent, module) Progress row, or of the
agent's TrainerProgress row. Voiding applies the same effect with -1. Counters make the result independent
of the order of statements and voids, so `rebuild()` gives exactly the rows the signals maintained. A row
whose counters all fall back to zero (and that is not planned) is deleted, as a rebuild would never create it.

Each statement costs a constant number of indexed queries whatever the size of the store.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

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


def statement_effect(statement):
    """The effect of a statement on progress, or None (untrusted, not ours, not a progress verb…)."""
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
    if statement.verb_id == COMPLETED:
        module_uuid = uuid_from_iri(statement.object_activity_id, "module")
        return Effect(account, "completed", module_uuid=module_uuid) if module_uuid else None
    # Session statements: the module is the statement's parent (fallback: the session's module).
    session_uuid = uuid_from_iri(statement.object_activity_id, "session")
    if session_uuid is None:
        return None
    module_uuid = next((u for u in (uuid_from_iri(i, "module") for i in _parents(data)) if u), None)
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


def apply_statement(statement, sign=1):
    """Apply (sign=+1) or undo (sign=-1, voided) one statement, in the caller's (storing) transaction.

    Returns the agent whose badges may have changed (a module entering or leaving "completed", or a
    facilitation count changing), else None: badge rules only read those.
    """
    effect = statement_effect(statement)
    if effect is None:
        return None
    with transaction.atomic(savepoint=False):  # normally already inside the storing transaction
        return _apply(effect, sign)


def _apply(effect, sign):
    user = get_user_model().objects.filter(xapi_account_name=effect.account_name).first()
    if user is None:
        return None
    field, direction = _split(effect.field)
    delta = sign * direction
    if effect.is_trainer:
        row, _created = TrainerProgress.objects.select_for_update().get_or_create(user=user)
        setattr(row, field, getattr(row, field) + delta)
        if row.led == 0 and row.co_facilitated == 0:
            row.delete()
        else:
            row.save()
        return user
    module_id = _module_id_for(effect)
    if module_id is None:
        return None
    row, _created = Progress.objects.select_for_update().get_or_create(
        user=user,
        module_id=module_id,
        defaults={"planned": lambda: PathChoice.objects.filter(user=user, module_id=module_id).exists()},
    )
    was_completed = row.status == Progress.Status.COMPLETED
    setattr(row, field, getattr(row, field) + delta)
    _save_or_drop(row)
    return user if was_completed != (row.status == Progress.Status.COMPLETED) else None


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
