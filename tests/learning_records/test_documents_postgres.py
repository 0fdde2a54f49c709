"""PostgreSQL guarantees of the document resources: concurrent writers (row locks, unique keys) and index use."""

import json
import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import connection, connections
from django.test import Client

from learning_records import documents
from learning_records.models import Document

from .conftest import basic
from .helpers import assert_served_by_an_index

PROFILE = "/xapi/activities/profile"
PARAMS = urlencode({"activityId": "http://example.org/activities/concurrent", "profileId": "settings"})


def put(auth, body, **headers):
    return Client().put(
        f"{PROFILE}?{PARAMS}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3", **headers},
    )


def post(auth, body):
    return Client().post(
        f"{PROFILE}?{PARAMS}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"},
    )


def waiting_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def wait_until(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class FirstWriterPauses:
    """Wraps documents.check_preconditions: the first request to get there stops right after its check (holding
    whatever it locked) until `release` is set."""

    def __init__(self, monkeypatch):
        self.original = documents.check_preconditions
        self.paused = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.first = None
        monkeypatch.setattr(documents, "check_preconditions", self)

    def __call__(self, document, if_match, if_none_match):
        self.original(document, if_match, if_none_match)
        with self.lock:
            first = self.first is None
            if first:
                self.first = threading.current_thread().name
        if first:
            self.paused.set()
            self.release.wait(30)


def run(name, results, request):
    try:
        results[name] = request()
    finally:
        connections.close_all()


@pytest.fixture
def auth(transactional_db, make_credential):
    credential, secret = make_credential(scopes=["all"])
    return basic(credential.key, secret)


@pytest.mark.postgres
def test_two_writers_with_the_same_etag_one_wins_the_other_gets_412(auth, monkeypatch):
    assert put(auth, {"v": 0}, **{"If-None-Match": "*"}).status_code == 204
    etag = Client().get(f"{PROFILE}?{PARAMS}", headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"})[
        "ETag"
    ]
    pause = FirstWriterPauses(monkeypatch)
    results = {}
    first = threading.Thread(
        target=run, name="first", args=("first", results, lambda: put(auth, {"v": "first"}, **{"If-Match": etag}))
    )
    second = threading.Thread(
        target=run, name="second", args=("second", results, lambda: put(auth, {"v": "second"}, **{"If-Match": etag}))
    )
    first.start()
    assert pause.paused.wait(30)
    second.start()
    # The second writer is blocked on the first one's row lock (without the lock it would pass its check now).
    blocked = wait_until(waiting_for_a_lock)
    pause.release.set()
    first.join(60)
    second.join(60)
    assert blocked, "the second writer did not wait for the first one's lock"
    assert results["first"].status_code == 204
    assert results["second"].status_code == 412
    document = Document.objects.get()
    assert json.loads(bytes(document.content)) == {"v": "first"}


@pytest.mark.postgres
def test_two_creators_at_once_create_one_document(auth, monkeypatch):
    pause = FirstWriterPauses(monkeypatch)
    results = {}
    first = threading.Thread(
        target=run, args=("first", results, lambda: put(auth, {"v": "first"}, **{"If-None-Match": "*"}))
    )
    first.start()
    assert pause.paused.wait(30)  # the first found no document and stops before inserting it
    run("second", results, lambda: put(auth, {"v": "second"}, **{"If-None-Match": "*"}))
    pause.release.set()
    first.join(60)
    # The second created it; the first's insert then failed on the unique key and was decided again: 412.
    assert results["second"].status_code == 204
    assert results["first"].status_code == 412
    assert json.loads(bytes(Document.objects.get().content)) == {"v": "second"}


@pytest.mark.postgres
def test_two_posts_at_once_merge_both(auth, monkeypatch):
    pause = FirstWriterPauses(monkeypatch)
    results = {}
    first = threading.Thread(target=run, args=("first", results, lambda: post(auth, {"a": 1})))
    first.start()
    assert pause.paused.wait(30)
    run("second", results, lambda: post(auth, {"b": 2}))
    pause.release.set()
    first.join(60)
    assert results["first"].status_code == results["second"].status_code == 204
    assert json.loads(bytes(Document.objects.get().content)) == {"a": 1, "b": 2}


@pytest.mark.postgres
@pytest.mark.django_db
def test_document_lookups_use_an_index():
    address = documents.Address(resource=documents.STATE, activity_id="http://example.org/a", agent_ifi="Agent|x")
    for queryset in (
        Document.objects.filter(key=address.key),
        Document.objects.filter(context_key=address.context_key, updated__gt="2026-01-01T00:00:00Z"),
        Document.objects.filter(agent_account_name="someone"),
    ):
        assert_served_by_an_index(queryset)
