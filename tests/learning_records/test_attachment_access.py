"""Attachment content goes back only to a client that may read a statement that brought it: knowing a sha2
(and declaring it with a fileUrl) does not give another client's bytes."""

import importlib
from urllib.parse import urlencode

import pytest
from django.apps import apps

from learning_records.models import Attachment, Statement
from learning_records.store import save_statements

from .helpers import attachment_of, multipart, part_headers, with_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_store")]

SECRET = b"the minutes of a confidential meeting"


@pytest.fixture
def owner(xapi_for):
    return xapi_for(scopes=["statements/read/mine", "statements/write"])


@pytest.fixture
def snoop(xapi_for):
    return xapi_for(scopes=["statements/read/mine", "statements/write"])


def post_with_content(client, content):
    statement = with_id(attachments=[attachment_of(content)])
    body, content_type = multipart(statement, [(content, part_headers(content))])
    assert client.post(body, content_type=content_type).status_code == 200
    return statement


def claim(client, content):
    """A statement that only declares the sha2 (with a fileUrl, so no bytes are needed)."""
    statement = with_id(attachments=[dict(attachment_of(content), fileUrl="http://example.org/whatever")])
    assert client.post(statement).status_code == 200
    return statement


def test_a_read_mine_client_does_not_get_another_clients_bytes_by_their_hash(owner, snoop):
    post_with_content(owner, SECRET)
    claimed = claim(snoop, SECRET)

    single = snoop.get(params={"statementId": claimed["id"], "attachments": "true"})
    listing = snoop.get(params={"attachments": "true"})
    alternate = snoop.client.post(
        "/xapi/statements?method=GET",
        urlencode({"attachments": "true", **snoop.headers}),
        content_type="application/x-www-form-urlencoded",
    )
    for response in (single, listing, alternate):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("multipart/mixed")
        assert claimed["id"].encode() in response.content
        assert SECRET not in response.content

    # The owner gets its content back; so does a client that may read every statement.
    assert SECRET in owner.get(params={"attachments": "true"}).content


def test_a_read_all_client_gets_the_content_of_any_statement(owner, xapi_for):
    statement = post_with_content(owner, SECRET)
    reader = xapi_for(scopes=["statements/read"])
    assert SECRET in reader.get(params={"statementId": statement["id"], "attachments": "true"}).content
    assert SECRET in reader.get(params={"attachments": "true"}).content


def test_paging_with_more_keeps_the_rule(owner, snoop):
    post_with_content(owner, SECRET)
    claim(snoop, SECRET)
    claim(snoop, SECRET)
    first = snoop.get(params={"attachments": "true", "limit": "1"})
    assert SECRET not in first.content
    more = first.content.split(b'"more":"')[1].split(b'"')[0].decode()
    second = snoop.client.get(more, headers=snoop.headers)
    assert second.status_code == 200 and SECRET not in second.content


def test_a_client_that_sends_the_same_bytes_gets_them_back(owner, snoop):
    post_with_content(owner, SECRET)
    mine = post_with_content(snoop, SECRET)
    assert Attachment.objects.count() == 1  # still stored once
    assert SECRET in snoop.get(params={"statementId": mine["id"], "attachments": "true"}).content


def test_content_whose_statements_are_gone_is_returned_to_nobody(owner, xapi_for):
    brought = post_with_content(owner, SECRET)
    reader = xapi_for(scopes=["statements/read", "statements/write"])
    claimed = claim(reader, SECRET)
    Statement.objects.filter(statement_id=brought["id"]).delete()  # e.g. erased with its agent
    assert SECRET not in reader.get(params={"statementId": claimed["id"], "attachments": "true"}).content


def test_the_migration_links_existing_content_to_the_statements_that_brought_it():
    migration = importlib.import_module("learning_records.migrations.0003_attachment_statements")
    carried = save_statements(
        with_id(attachments=[attachment_of(SECRET)]), attachments={_sha2(SECRET): ("text/plain", SECRET)}
    )
    declared_only = save_statements(with_id(attachments=[dict(attachment_of(SECRET), fileUrl="http://example.org/f")]))
    other = b"brought with a fileUrl"
    by_url = save_statements(
        with_id(attachments=[dict(attachment_of(other), fileUrl="http://example.org/g")]),
        attachments={_sha2(other): ("text/plain", other)},
    )
    Attachment.statements.through.objects.all().delete()  # as before the migration

    migration.link_carriers(apps, None)
    links = set(Attachment.statements.through.objects.values_list("statement_id", "attachment__sha2"))
    assert links == {(carried.pk, _sha2(SECRET)), (by_url.pk, _sha2(other))}
    assert declared_only.pk not in {pk for pk, _sha2_value in links}


def _sha2(content):
    return attachment_of(content)["sha2"]
