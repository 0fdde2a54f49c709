"""Property: after any sequence of statements and voids (from the server, trusted and untrusted credentials,
agents' browsers; hostile voids, double voids, voids of voiding statements, voids sent before their target),
the progress kept statement by statement equals `rebuild_progress`."""

import uuid

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from learning_records import statements as builders
from learning_records.models import Credential
from learning_records.store import save_statements
from learning_records.validation import StatementError
from parcours.models import ModulePage
from progress.services import progress as progress_service
from tests.fuzzing import database_settings
from tests.progress.helpers import entry_module, make_session, make_user

pytestmark = pytest.mark.django_db

WRITERS = ["server", "trusted", "client", "other client", "browser 0", "browser 1", "browser 2"]
KINDS = ["registered", "unregistered", "attended", "completed", "lead", "co-facilitator"]
SLOTS = 6  # statement ids known in advance, so that a void can come before its target
NAMESPACE = uuid.UUID("5d0b3a3e-7f55-4a8e-9a49-2f0e1f5b1c11")

store_op = st.tuples(
    st.just("store"),
    st.sampled_from(WRITERS),
    st.sampled_from(KINDS),
    st.integers(0, 2),  # agent (a browser always writes about its own agent)
    st.integers(0, 2),  # session
    st.one_of(st.none(), st.integers(0, SLOTS - 1)),  # a fresh id or a known one
)
void_op = st.tuples(
    st.just("void"),
    st.sampled_from(WRITERS),
    st.sampled_from(["stored", "slot", "voiding"]),
    st.integers(0, 50),
)
operations = st.lists(st.one_of(store_op, void_op), min_size=1, max_size=14)


@pytest.fixture
def world(db):
    agents = [make_user(f"prop{i}") for i in range(3)]
    other = ModulePage.objects.filter(is_entry_module=False).order_by("path").first()
    sessions = [make_session(entry_module()), make_session(other), make_session(other, days=5)]
    credentials = {}
    for name, trusted in (("trusted", True), ("client", False), ("other client", False)):
        credential = Credential(name=name, scopes=["all"], trusted=trusted)
        credential.set_secret()
        credential.save()
        credentials[name] = credential
    return agents, sessions, credentials


def writer_args(writer, agents, credentials):
    if writer == "server":
        return {}
    if writer.startswith("browser"):
        return {"user": agents[int(writer.split()[1])]}
    return {"credential": credentials[writer]}


def build(kind, user, session, statement_id):
    registration = uuid.uuid5(NAMESPACE, f"{user.pk}/{session.pk}")
    if kind in ("lead", "co-facilitator"):
        return builders.build_hosted(user, session, kind, statement_id=statement_id)
    if kind == "completed":
        return builders.build_completed(user, session.module, registration, statement_id=statement_id)
    builder = {
        "registered": builders.build_registered,
        "unregistered": builders.build_unregistered,
        "attended": builders.build_attended,
    }[kind]
    return builder(user, session, registration, statement_id=statement_id)


def run(operations, agents, sessions, credentials):
    stored, voiding = [], []
    slots = [uuid.uuid5(NAMESPACE, f"slot {n}") for n in range(SLOTS)]
    for operation in operations:
        writer = operation[1]
        args = writer_args(writer, agents, credentials)
        if operation[0] == "store":
            _op, _writer, kind, agent_index, session_index, slot = operation
            user = args.get("user") or agents[agent_index]
            statement = build(kind, user, sessions[session_index], slots[slot] if slot is not None else None)
        else:
            _op, _writer, target_kind, index = operation
            pool = {"stored": stored, "voiding": voiding, "slot": slots}[target_kind] or slots
            actor = args.get("user")
            statement = builders.build_voided(pool[index % len(pool)], actor)
        try:
            row = save_statements(statement, **args)
        except StatementError:  # refused (403, 400, 409): the store and progress are unchanged
            continue
        (voiding if row.is_voiding else stored).append(row.statement_id)


@database_settings(default=60)
@given(operations=operations)
def test_incremental_progress_equals_the_rebuild_after_any_voids(world, operations):
    agents, sessions, credentials = world
    with transaction.atomic():
        run(operations, agents, sessions, credentials)
        incremental = progress_service.snapshot()
        progress_service.rebuild()
        assert progress_service.snapshot() == incremental
        transaction.set_rollback(True)


# Batches: several statements and voids in one save_statements call (one pass of the progress receiver), a
# void of a statement of the same batch, batches refused whole.
batch_op = st.lists(st.one_of(store_op, void_op), min_size=1, max_size=5)
batches = st.lists(batch_op, min_size=1, max_size=6)


def run_batches(batches, agents, sessions, credentials):
    stored, voiding = [], []
    slots = [uuid.uuid5(NAMESPACE, f"slot {n}") for n in range(SLOTS)]
    for batch in batches:
        writer = batch[0][1]  # one writer per call, as over HTTP
        args = writer_args(writer, agents, credentials)
        statements, fresh = [], []
        for operation in batch:
            if operation[0] == "store":
                _op, _writer, kind, agent_index, session_index, slot = operation
                user = args.get("user") or agents[agent_index]
                statement = build(kind, user, sessions[session_index], slots[slot] if slot is not None else None)
                fresh.append(statement["id"])
            else:
                _op, _writer, target_kind, index = operation
                pool = {"stored": stored + fresh, "voiding": voiding, "slot": slots}[target_kind] or slots
                statement = builders.build_voided(pool[index % len(pool)], args.get("user"))
            statements.append(statement)
        try:
            with transaction.atomic():
                rows = save_statements(statements, **args)
        except StatementError:  # refused whole (400, 403, 409): the store and progress are unchanged
            continue
        for row in rows:
            (voiding if row.is_voiding else stored).append(row.statement_id)


@database_settings(default=40)
@given(batches=batches)
def test_progress_kept_batch_by_batch_equals_the_rebuild(world, batches):
    agents, sessions, credentials = world
    with transaction.atomic():
        run_batches(batches, agents, sessions, credentials)
        incremental = progress_service.snapshot()
        progress_service.rebuild()
        assert progress_service.snapshot() == incremental
        transaction.set_rollback(True)
