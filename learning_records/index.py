"""The filter index of statements (`StatementIndexEntry`): which (kind, value) pairs a statement matches, and
writing them for new statements with the StatementRef rule applied both ways. Readers build the same keys
(query.py); only the store (store.py) writes, under its lock.
"""

from django.db import connection

from .agents import agent_ifis
from .models import Statement, StatementIndexEntry, index_key


def context_activity_ids(context):
    ids = []
    for items in (context or {}).get("contextActivities", {}).values():
        for activity in items if isinstance(items, list) else [items]:
            ids.append(activity["id"])
    return ids


def index_values(data):
    """(kind, value) pairs a statement matches directly (StatementRef inheritance is added by the store)."""
    values = set()
    actor, obj, context = data["actor"], data["object"], data.get("context", {})
    object_type = obj.get("objectType", "Activity")
    for agent_ifi in agent_ifis(actor):
        values.add(("agent", agent_ifi))
    if object_type in ("Agent", "Group"):
        for agent_ifi in agent_ifis(obj):
            values.add(("agent", agent_ifi))
    values.add(("verb", data["verb"]["id"]))
    if object_type == "Activity":
        values.add(("activity", obj["id"]))
        values.add(("related_activity", obj["id"]))
    if "registration" in context:
        values.add(("registration", context["registration"].lower()))
    related_agents = [data.get("authority"), context.get("instructor"), context.get("team")]
    for activity_id in context_activity_ids(context):
        values.add(("related_activity", activity_id))
    if object_type == "SubStatement":
        sub_context = obj.get("context", {})
        related_agents += [obj["actor"], sub_context.get("instructor"), sub_context.get("team")]
        if obj["object"].get("objectType") in ("Agent", "Group"):
            related_agents.append(obj["object"])
        if obj["object"].get("objectType", "Activity") == "Activity":
            values.add(("related_activity", obj["object"]["id"]))
        for activity_id in context_activity_ids(sub_context):
            values.add(("related_activity", activity_id))
    for kind, value in list(values):
        if kind == "agent":
            values.add(("related_agent", value))
    for agent in related_agents:
        for agent_ifi in agent_ifis(agent):
            values.add(("related_agent", agent_ifi))
    return values


# --- Writing ---------------------------------------------------------------------------------------


def insert_index_entries(entries):
    """Insert filter-index rows [(statement pk, kind, key, stored)] in one round trip; `ignore_conflicts`
    semantics (a row already there is kept) only where the caller asks for it."""
    if not entries:
        return
    if connection.vendor != "postgresql":  # pragma: no cover
        StatementIndexEntry.objects.bulk_create(
            [
                StatementIndexEntry(statement_id=pk, kind=kind, key=key, stored=stored)
                for pk, kind, key, stored in entries
            ]
        )
        return
    table = connection.ops.quote_name(StatementIndexEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (statement_id, kind, key, stored) "
            "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[])",
            [[e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries], [e[3] for e in entries]],
        )


def index_rows(rows, referrers):
    """Write the filter index of new statements, with the StatementRef rule applied both ways. `referrers`: the
    statements stored earlier that target the new ones (store.prior_state), which inherit their entries."""
    if not rows:
        return
    entries = {}
    keys = {}  # (kind, value) -> key: a batch repeats verbs, activities and agents, each hashed once
    for row in rows:
        pairs = set()
        for pair in index_values(row.data):
            key = keys.get(pair)
            if key is None:
                key = keys[pair] = index_key(*pair)
            pairs.add((pair[0], key))
        entries[row.pk] = pairs
    # A new statement that targets a stored statement matches what its target matches (recursively: the
    # target's entries already include what it inherited). A target in this batch needs no query.
    new_by_id = {row.statement_id: row for row in rows}
    targets = {row.object_statement_id for row in rows if row.object_statement_id}
    if targets:
        by_target = {}
        stored_targets = targets - set(new_by_id)
        if stored_targets:
            for entry in StatementIndexEntry.objects.filter(statement__statement_id__in=stored_targets).values(
                "statement__statement_id", "kind", "key"
            ):
                by_target.setdefault(entry["statement__statement_id"], set()).add((entry["kind"], entry["key"]))
        for row in rows:  # in stored order, so a target earlier in the same batch is already complete
            target = row.object_statement_id
            if target in new_by_id:
                entries[row.pk] |= entries[new_by_id[target].pk]
            elif target in by_target:
                entries[row.pk] |= by_target[target]
    stored_by_pk = {row.pk: row.stored for row in rows}
    insert_index_entries(
        [(pk, kind, key, stored_by_pk[pk]) for pk, pairs in entries.items() for kind, key in sorted(pairs)]
    )
    if referrers:
        propagate_to_referrers({row.statement_id: entries[row.pk] for row in rows}, referrers)


def propagate_to_referrers(entries_by_statement_id, referrers):
    """Statements stored earlier that target a new statement inherit its entries (and so on, upwards);
    `referrers`: those that target the new statements, [(pk, statement_id, stored, target, …)]."""
    pending = entries_by_statement_id
    seen = set(pending)
    while pending:
        if referrers is None:
            referrers = list(
                Statement.objects.filter(object_statement_id__in=list(pending)).values_list(
                    "pk", "statement_id", "stored", "object_statement_id"
                )
            )
        referrers, found = None, referrers
        next_pending = {}
        new_entries = []
        for pk, statement_id, stored, target, *_rest in found:
            if statement_id in seen:
                continue
            seen.add(statement_id)
            pairs = pending[target]
            new_entries += [StatementIndexEntry(statement_id=pk, kind=k, key=key, stored=stored) for k, key in pairs]
            next_pending[statement_id] = pairs
        StatementIndexEntry.objects.bulk_create(new_entries, ignore_conflicts=True)
        pending = next_pending
