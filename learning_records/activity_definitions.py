"""Activity definitions for the Activities resource (GET /xapi/activities), kept as statements are stored.

A read costs one row whatever the size of the store: the receiver of `statements_stored` (signals.py) runs
once per stored batch, inside the storing transaction. It collects the definitions the new statements carry
(object, context activities, a SubStatement's object and context activities), reads the rows of those
activities in one query and writes only the activities whose definition changes, locked in key order. A
batch whose definitions are already known costs that one SELECT; a batch without definitions costs nothing.

Merge rules (xAPI 1.0.3 leaves them to the LRS, Data 2.4.4.1):
- language maps (`name`, `description`, each interaction component's `description`) and `extensions` are
  merged key by key, the later statement winning for a key both carry;
- any other property is the later statement's; a new `interactionType` replaces the whole interaction (type,
  correct responses, components); components are the later list, each keeping the languages of the
  component with the same id seen before;
- a definition written by the server or by a credential with the `define` (or `all`) scope is canonical: the
  first one replaces what other writers gave, and from then on statements of writers without that scope (a
  credential without `define`, an agent's browser) no longer change the definition (Communication 4.2).
"""

import hashlib
import json

from django.utils import timezone

from .models import ActivityDefinition, Statement
from .validation import COMPONENT_LISTS

LANGUAGE_MAPS = ("name", "description")
INTERACTION = ("interactionType", "correctResponsesPattern", *COMPONENT_LISTS)
REBUILD_CHUNK = 1000


def activity_key(activity_id):
    return hashlib.sha256(activity_id.encode()).hexdigest()


def may_define(credential, user):
    """The server and credentials holding `define` or `all` give canonical definitions; others do not."""
    if credential is not None:
        return credential.has_scope("define", "all")
    return user is None


def definitions_in(data):
    """(activity id, definition) of every activity of a stored statement that carries a definition."""
    found = []

    def add(activity):
        if isinstance(activity, dict) and activity.get("objectType", "Activity") == "Activity":
            if activity.get("definition"):
                found.append((activity["id"], activity["definition"]))

    def add_context(context):
        for items in ((context or {}).get("contextActivities") or {}).values():
            for activity in items if isinstance(items, list) else [items]:
                add(activity)

    obj = data["object"]
    add(obj)
    add_context(data.get("context"))
    if obj.get("objectType") == "SubStatement":
        add(obj["object"])
        add_context(obj.get("context"))
    return found


def merge_component(old, new):
    if old is None or not (old.get("description") or new.get("description")):
        return new
    return {**new, "description": {**old.get("description", {}), **new.get("description", {})}}


def merge(current, new):
    """`current` with the definition `new` applied (see the module's rules)."""
    merged = dict(current)
    if "interactionType" in new and new["interactionType"] != current.get("interactionType"):
        for key in INTERACTION:
            merged.pop(key, None)
    for key, value in new.items():
        old = merged.get(key)
        if key in (*LANGUAGE_MAPS, "extensions") and isinstance(old, dict):
            merged[key] = {**old, **value}
        elif key in COMPONENT_LISTS and isinstance(old, list):
            previous = {component.get("id"): component for component in old}
            merged[key] = [merge_component(previous.get(component.get("id")), component) for component in value]
        else:
            merged[key] = value
    return merged


def fold(definition, canonical, contributions):
    """(definition, canonical) after applying `contributions`, a list of (definition, canonical) in order."""
    for new, new_canonical in contributions:
        if canonical and not new_canonical:
            continue
        if new_canonical and not canonical:
            definition, canonical = {}, True
        definition = merge(definition, new)
    return definition, canonical


def apply(contributions):
    """Merge {activity id: [(definition, canonical), …]} into the stored definitions."""
    keys = {activity_key(activity_id): activity_id for activity_id in contributions}
    known = {row.key: row for row in ActivityDefinition.objects.filter(key__in=list(keys))}

    def changes(row, activity_id):
        current = json.loads(row.definition) if row is not None else {}
        current_canonical = row.canonical if row is not None else False
        result = fold(current, current_canonical, contributions[activity_id])
        return None if result == (current, current_canonical) else result

    changed = sorted(key for key, activity_id in keys.items() if changes(known.get(key), activity_id) is not None)
    if not changed:
        return
    missing = [key for key in changed if key not in known]
    if missing:  # created empty, then merged under the row lock like any other (a concurrent creator wins)
        ActivityDefinition.objects.bulk_create(
            [ActivityDefinition(key=key, activity_id=keys[key]) for key in missing], ignore_conflicts=True
        )
    now = timezone.now()
    updated = []
    for row in ActivityDefinition.objects.select_for_update().filter(key__in=changed).order_by("key"):
        result = changes(row, keys[row.key])
        if result is not None:
            row.definition, row.canonical = json.dumps(result[0]), result[1]
            row.updated = now
            updated.append(row)
    ActivityDefinition.objects.bulk_update(updated, ["definition", "canonical", "updated"])


def on_statements_stored(sender, statements, credential=None, user=None, **kwargs):
    canonical = may_define(credential, user)
    contributions = {}
    for row in statements:
        for activity_id, definition in definitions_in(row.data):
            found = contributions.setdefault(activity_id, [])
            # The same definition twice in a row merges to the same result as once (merge is idempotent):
            # a batch that repeats an activity's definition folds it once.
            if not found or found[-1][0] != definition:
                found.append((definition, canonical))
    if contributions:
        apply(contributions)


def rebuild():
    """Recompute every definition from the statement store alone, in `stored` order (same rules). Returns
    the number of activities defined."""
    ActivityDefinition.objects.all().delete()
    statements = Statement.objects.select_related("credential").only("data", "stored", "user_id", "credential")
    contributions = {}
    count = 0
    for statement in statements.order_by("stored").iterator(chunk_size=REBUILD_CHUNK):
        canonical = may_define(statement.credential, statement.user_id)
        for activity_id, definition in definitions_in(statement.data):
            contributions.setdefault(activity_id, []).append((definition, canonical))
        count += 1
        if count % REBUILD_CHUNK == 0:
            apply(contributions)
            contributions = {}
    if contributions:
        apply(contributions)
    return ActivityDefinition.objects.count()


def activity_object(activity_id):
    """The Activity Object of the Activities resource: the id, and the definition when one is known."""
    row = ActivityDefinition.objects.filter(key=activity_key(activity_id)).only("definition").first()
    activity = {"objectType": "Activity", "id": activity_id}
    definition = json.loads(row.definition) if row is not None else {}
    if definition:
        activity["definition"] = definition
    return activity
