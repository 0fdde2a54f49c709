"""xAPI documents: the State, Activity Profile and Agent Profile resources (xAPI 1.0.3 Communication 2.2-2.7, 3.1).

- A document is kept as received: its bytes, its content type, `updated` and its ETag, the SHA-1 of the bytes
  (sent quoted). Nothing lives on the file system.
- Concurrency: every write locks the row it decides on (`select_for_update`) before it checks `If-Match` and
  `If-None-Match`, so of two writers holding the same ETag exactly one wins and the other gets 412. Two
  writers creating the same document at once create it once: the second insert fails on the unique key and
  that request is decided again against the first one's row.
- A PUT to a profile needs `If-Match` or `If-None-Match` (409 when the document exists, 400 when it does not);
  the State resource accepts writes without them (Communication 3.1).
- POST merges (Communication 2.2): the top-level properties of the posted JSON object replace those of the
  stored one. Both must be `application/json` objects, else 400 and nothing changes.
- An `application/json` document is parsed before it is stored: malformed, non-finite or nested deeper than
  MAX_JSON_DEPTH answers 400. A document larger than `max_bytes(caller)` answers 413.
- Who may do what, in one place (`access`): a credential with `all` reads and writes every document, one
  with `all/read` reads every document; `state` (State) and `profile` (Activity and Agent Profiles) read and
  write only the documents created with that credential, the "mine" rule of `statements/read/mine`. A
  signed-in agent's browser (session and CSRF token) reads and writes only State documents about its own
  agent that it created itself.
"""

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .agents import ifi, user_agent
from .auth import ApiError, Caller
from .models import Document
from .received import dumps_exact
from .validation import StatementError, check_agent, check_iri, check_uuid, parse_timestamp

STATE = Document.Resource.STATE
ACTIVITY_PROFILE = Document.Resource.ACTIVITY_PROFILE
AGENT_PROFILE = Document.Resource.AGENT_PROFILE

JSON_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
MAX_JSON_DEPTH = 64
MAX_ID_LENGTH = 2000
BROWSER_MAX_BYTES = 64 * 1024  # the video player's document is a few hundred bytes

ALL, OWN = "all", "own"

# resource: (required parameters, optional parameters, document id parameter, scope)
RESOURCES = {
    STATE: (("activityId", "agent"), ("registration",), "stateId", "state"),
    ACTIVITY_PROFILE: (("activityId",), (), "profileId", "profile"),
    AGENT_PROFILE: (("agent",), (), "profileId", "profile"),
}


def max_bytes(caller):
    """Largest document this caller may store (setting XAPI_DOCUMENT_MAX_BYTES, 1 MiB by default)."""
    if caller.credential is None:
        return BROWSER_MAX_BYTES
    return getattr(settings, "XAPI_DOCUMENT_MAX_BYTES", 1024 * 1024)


def bad(message):
    return ApiError(400, message)


def digest(*parts):
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Address:
    """Where a document lives: resource, activity, agent, registration and id (None: every id)."""

    resource: str
    activity_id: str = ""
    agent_ifi: str = ""
    agent_account_name: str | None = None
    registration: uuid.UUID | None = None
    document_id: str | None = None

    @property
    def context_key(self):
        return digest(self.resource, self.activity_id, self.agent_ifi)

    @property
    def key(self):
        return digest(self.resource, self.activity_id, self.agent_ifi, str(self.registration or ""), self.document_id)


# --- Parameters ----------------------------------------------------------------------------------------


def reject_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def parse_agent(value):
    """An Agent Object given as a JSON parameter (never a Group, Communication 2.3 and 2.6): (agent, IFI)."""
    try:
        agent = json.loads(value, parse_constant=reject_constant)
    except (ValueError, RecursionError):
        raise bad("agent must be an Agent Object in JSON")
    if not isinstance(agent, dict):
        raise bad("agent must be an Agent Object in JSON")
    try:
        check_agent(agent, "agent")
    except StatementError as exc:
        raise bad(str(exc))
    return agent, ifi(agent)


def site_account_name(agent):
    """The account name when the agent is identified by an account on this site (erasure), else None."""
    account = agent.get("account") or {}
    return account.get("name") if account.get("homePage") == settings.PASSINNOV_BASE_URL else None


def check_document_id(value, name):
    if not value:
        raise bad(f"{name} must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise bad(f"{name} is longer than {MAX_ID_LENGTH} characters")
    if any(ord(character) < 32 for character in value):
        raise bad(f"{name} must not contain control characters")
    return value


def parse_address(resource, params, method):
    """(Address, since) of a request; 400 for a missing, unknown or malformed parameter."""
    required, optional, id_name, _scope = RESOURCES[resource]
    allowed = {*required, *optional, id_name} | ({"since"} if method in ("GET", "HEAD") else set())
    unknown = set(params) - allowed
    if unknown:
        raise bad(f"unknown parameter {sorted(unknown)[0]!r}")
    for name in required:
        if name not in params:
            raise bad(f"the {name} parameter is required")
    fields = {"resource": resource}
    if "activityId" in params:
        try:
            check_iri(params["activityId"], "activityId")
        except StatementError as exc:
            raise bad(str(exc))
        fields["activity_id"] = params["activityId"]
    if "agent" in params:
        agent, fields["agent_ifi"] = parse_agent(params["agent"])
        fields["agent_account_name"] = site_account_name(agent)
    if "registration" in params:
        try:
            check_uuid(params["registration"], "registration")
        except StatementError as exc:
            raise bad(str(exc))
        fields["registration"] = uuid.UUID(params["registration"])
    if id_name in params:
        fields["document_id"] = check_document_id(params[id_name], id_name)
    elif method in ("PUT", "POST") or (method == "DELETE" and resource != STATE):
        raise bad(f"the {id_name} parameter is required")
    since = None
    if "since" in params and "document_id" not in fields:
        try:
            since = parse_timestamp(params["since"], "since")
        except StatementError as exc:
            raise bad(str(exc))
    return Address(**fields), since


def media_type(content_type):
    return (content_type or "").split(";")[0].strip().lower()


def parse_json_document(content):
    """The value of an application/json document; 400 when it is not UTF-8 JSON within MAX_JSON_DEPTH."""
    try:
        value = json.loads(content.decode("utf-8"), parse_float=Decimal, parse_constant=reject_constant)
    except UnicodeDecodeError:
        raise bad("a JSON document must be encoded in UTF-8")
    except RecursionError:
        raise bad(f"the JSON document is nested more than {MAX_JSON_DEPTH} levels deep")
    except ValueError:
        raise bad("the document is not valid JSON (Content-Type: application/json)")
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise bad(f"the JSON document is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


# --- Who may do what ---------------------------------------------------------------------------------


def access(caller, address, write):
    """ALL (every document) or OWN (the documents this caller created); 403 otherwise."""
    scope = RESOURCES[address.resource][3]
    credential = caller.credential
    if credential is None:
        if address.resource != STATE:
            raise ApiError(403, "a browser session may only use the State resource")
        own = ifi(user_agent(caller.user))
        if not caller.user.xapi_account_name or address.agent_ifi != own:
            raise ApiError(403, "a signed-in agent may only use the State documents of their own agent")
        return OWN
    if credential.has_scope("all") or (not write and credential.has_scope("all/read")):
        return ALL
    if credential.has_scope(scope):
        return OWN
    raise ApiError(403, f"this credential has no {scope} scope")


def is_owner(document, caller):
    if caller.credential is not None:
        return document.credential_id == caller.credential.pk
    return document.credential_id is None and document.user_id == caller.user.pk


def visible(documents, caller, level):
    if level == ALL:
        return documents
    if caller.credential is not None:
        return documents.filter(credential=caller.credential)
    return documents.filter(credential__isnull=True, user_id=caller.user.pk)


# --- ETags and preconditions ---------------------------------------------------------------------------


def etag_of(content):
    return hashlib.sha1(content).hexdigest()


def etag_matches(document, header):
    """RFC 2616 matching of an If-Match / If-None-Match value against a document (None: no document)."""
    if document is None:
        return False
    value = header.strip()
    if value == "*":
        return True
    tags = {part.strip().removeprefix("W/").strip().strip('"').lower() for part in value.split(",")}
    return document.etag in tags


def check_preconditions(document, if_match, if_none_match):
    """412 when If-Match does not match the document, or If-None-Match does (Communication 3.1)."""
    if if_match is not None and not etag_matches(document, if_match):
        raise ApiError(412, "If-Match does not match the current document (it changed, or does not exist)")
    if if_none_match is not None and etag_matches(document, if_none_match):
        raise ApiError(412, "If-None-Match: the document exists (with this ETag)")


# --- Reading -------------------------------------------------------------------------------------------


def read(address, caller):
    """The document at `address` (404 when absent or not this caller's to read)."""
    level = access(caller, address, write=False)
    document = visible(Document.objects.filter(key=address.key), caller, level).first()
    if document is None:
        raise ApiError(404, f"no document {address.document_id!r} here")
    return document


def list_ids(address, caller, since=None):
    """(ids of the documents of the context, the greatest `updated` or None), `since` exclusive."""
    level = access(caller, address, write=False)
    documents = visible(Document.objects.filter(context_key=address.context_key), caller, level)
    if address.registration is not None:
        documents = documents.filter(registration=address.registration)
    if since is not None:
        documents = documents.filter(updated__gt=since)
    rows = list(documents.order_by("updated", "pk").values_list("document_id", "updated"))
    return [document_id for document_id, _updated in rows], max((row[1] for row in rows), default=None)


# --- Writing -------------------------------------------------------------------------------------------


class CreatedMeanwhile(Exception):
    """Another request created the same document between our read and our insert."""


def merged_content(document, posted):
    """The stored JSON object with the posted object's top-level properties replacing its own."""
    if media_type(document.content_type) != JSON_TYPE:
        raise bad("POST merges JSON objects: the stored document is not application/json (PUT replaces it)")
    try:
        stored = parse_json_document(bytes(document.content))
    except ApiError:
        stored = None
    if not isinstance(stored, dict):
        raise bad("POST merges JSON objects: the stored document is not a JSON object (PUT replaces it)")
    return dumps_exact({**stored, **posted}).encode()


def write(address, caller, content, content_type, *, post, if_match=None, if_none_match=None):
    """Store (PUT) or merge (POST) a document; return it. Nothing changes when an error is raised."""
    level = access(caller, address, write=True)
    content_type = content_type or DEFAULT_CONTENT_TYPE
    posted = parse_json_document(content) if media_type(content_type) == JSON_TYPE else None
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return write_once(address, caller, level, content, content_type, posted, post, if_match, if_none_match)
        except CreatedMeanwhile:
            continue
    raise ApiError(409, "the document was created by another request at the same time: send it again")


def write_once(address, caller, level, content, content_type, posted, post, if_match, if_none_match):
    document = Document.objects.select_for_update().filter(key=address.key).first()
    if document is not None and level == OWN and not is_owner(document, caller):
        raise ApiError(403, "this document was created by another client")
    check_preconditions(document, if_match, if_none_match)
    if not post and address.resource != STATE and if_match is None and if_none_match is None:
        if document is not None:
            raise ApiError(
                409,
                "the document already exists: GET it to see its current state, then PUT again with "
                "If-Match set to its ETag",
            )
        raise ApiError(400, "a PUT to a profile needs If-None-Match: * (new document) or If-Match: <ETag>")
    if post and document is not None:
        if media_type(content_type) != JSON_TYPE or not isinstance(posted, dict):
            raise bad("POST merges JSON objects: send the document as an application/json object (PUT replaces it)")
        content, content_type = merged_content(document, posted), document.content_type
    created = document is None
    if created:
        document = Document(
            resource=address.resource,
            key=address.key,
            context_key=address.context_key,
            document_id=address.document_id,
            activity_id=address.activity_id,
            agent_account_name=address.agent_account_name,
            registration=address.registration,
            credential=caller.credential,
            user=caller.user,
        )
    document.content = content
    document.content_type = content_type
    document.etag = etag_of(content)
    document.updated = timezone.now()
    if not created:
        document.save(update_fields=["content", "content_type", "etag", "updated"])
        return document
    try:
        with transaction.atomic():
            document.save(force_insert=True)
    except IntegrityError:
        raise CreatedMeanwhile
    return document


def delete(address, caller, if_match=None, if_none_match=None):
    """Delete one document, or (State without stateId) every document of the context this caller may change."""
    level = access(caller, address, write=True)
    with transaction.atomic():
        if address.document_id is None:
            documents = visible(Document.objects.filter(context_key=address.context_key), caller, level)
            if address.registration is not None:
                documents = documents.filter(registration=address.registration)
            documents.delete()
            return
        document = Document.objects.select_for_update().filter(key=address.key).first()
        if document is not None and level == OWN and not is_owner(document, caller):
            raise ApiError(403, "this document was created by another client")
        check_preconditions(document, if_match, if_none_match)
        if document is not None:
            document.delete()


def agent_state(user, activity_id, state_id):
    """The JSON object that the agent's browser stored as State document `state_id` of an activity, or None
    (absent, not JSON, not an object): what a page needs to render, under the browser's own reading rule."""
    if user.pk is None:
        return None
    address = Address(resource=STATE, activity_id=activity_id, agent_ifi=ifi(user_agent(user)), document_id=state_id)
    document = visible(Document.objects.filter(key=address.key), Caller(user=user), OWN).first()
    if document is None or media_type(document.content_type) != JSON_TYPE:
        return None
    value = json.loads(bytes(document.content))
    return value if isinstance(value, dict) else None


# --- The Agents resource -------------------------------------------------------------------------------


def person(agent):
    """The Person Object of an agent (Communication 2.4). The LRS knows no other identifier of a person than
    the one asked for: it returns that one, and the name when given."""
    result = {"objectType": "Person"}
    if "name" in agent:
        result["name"] = [agent["name"]]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            result[key] = [agent[key]]
    return result


# --- Personal data -------------------------------------------------------------------------------------


def agent_documents(account_name):
    """The documents about an agent of this site (State and Agent Profile), for the personal-data export."""
    export = []
    documents = Document.objects.filter(agent_account_name=account_name).order_by("resource", "updated", "pk")
    for document in documents.iterator():
        content = bytes(document.content)
        item = {
            "resource": document.resource,
            "activity_id": document.activity_id or None,
            "registration": str(document.registration) if document.registration else None,
            "id": document.document_id,
            "content_type": document.content_type,
            "updated": document.updated.isoformat(),
        }
        if media_type(document.content_type) == JSON_TYPE:
            item["content"] = json.loads(content)
        else:
            try:
                item["content"] = content.decode("utf-8")
            except UnicodeDecodeError:
                item["content_base64"] = base64.b64encode(content).decode()
        export.append(item)
    return export


def erase_agent(account_name):
    """Delete every document about the agent with this account on the site (State and Agent Profile)."""
    Document.objects.filter(agent_account_name=account_name).delete()
