"""The xAPI 1.0.3 Statement API at /xapi/: statements (GET, HEAD, PUT, POST), about, CORS; the request
handling that the document resources (document_api.py) share.

Views stay thin: authentication in auth.py, queries and formats in query.py, attachments and signatures
in attachments.py, storage in store.py. Every response carries X-Experience-API-Version and
X-Experience-API-Consistent-Through; errors are JSON `{"error": true, "message": "..."}`.
"""

import json
import logging
import re
import uuid
from email.utils import format_datetime

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from core.outage import DATABASE_OUTAGE, RETRY_AFTER_SECONDS, close_broken_connections

from . import query as queries
from .attachments import check_parts_are_declared, check_signatures, multipart_response, read_multipart
from .auth import ApiError, authenticate
from .models import Attachment, Statement
from .received import Received, decode_json, parse_json
from .store import declared_attachments, save_statements
from .validation import SUPPORTED_VERSION, StatementError, validate_statement

logger = logging.getLogger(__name__)

VERSION = "1.0.3"
ALTERNATE_HEADERS = {
    "authorization": "Authorization",
    "x-experience-api-version": "X-Experience-API-Version",
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "if-match": "If-Match",
    "if-none-match": "If-None-Match",
}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Content-Length, Authorization, X-Experience-API-Version, If-Match, If-None-Match, "
        "X-CSRFToken, Accept-Language"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Content-Type, Content-Length, WWW-Authenticate, Retry-After, X-Experience-API-Version, "
        "X-Experience-API-Consistent-Through"
    ),
    "Access-Control-Max-Age": "86400",
}


class ApiRequest:
    """A request in the ordinary or the alternate syntax (Communication 1.3), made uniform."""

    def __init__(self, request):
        self.request = request
        self.method = request.method
        self.headers = {name.lower(): value for name, value in request.headers.items()}
        self.params = {key: request.GET[key] for key in request.GET}
        if "method" in self.params:
            self.read_alternate()
        else:
            self._body = None

    def read_alternate(self):
        if self.method != "POST":
            raise ApiError(400, "the alternate request syntax (method=) must be sent as POST")
        if set(self.params) != {"method"}:
            raise ApiError(400, "the alternate request syntax allows no query parameter other than method")
        method = self.params.pop("method")
        if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
            raise ApiError(400, "method must be GET, HEAD, PUT, POST or DELETE")
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise ApiError(400, "the alternate request syntax needs an application/x-www-form-urlencoded body")
        self.method = method
        try:
            form = self.request.POST
        except RequestDataTooBig:
            raise ApiError(413, "request body too large")
        self.headers.pop("content-type", None)
        self._body = b""
        for key in form:
            value = form[key]
            if key.lower() in ALTERNATE_HEADERS:
                self.headers[key.lower()] = value
            elif key == "content":
                self._body = value.encode("utf-8")
            else:
                self.params[key] = value
        if method in ("PUT", "POST") and "content" not in form:
            raise ApiError(400, "the alternate request syntax sends the body in a 'content' form field")
        self.headers.setdefault("content-type", "application/json")

    @property
    def body(self):
        if self._body is None:
            try:
                self._body = self.request.body
            except RequestDataTooBig:
                raise ApiError(413, "request body too large")
        return self._body

    @property
    def content_type(self):
        return self.headers.get("content-type", "")

    @property
    def version(self):
        return self.headers.get("x-experience-api-version")


def json_response(payload, status=200):
    return HttpResponse(
        payload if isinstance(payload, str) else json.dumps(payload),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def error_response(status, message, headers=None):
    response = json_response({"error": True, "message": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def finish(response, method, consistent=True):
    response["X-Experience-API-Version"] = VERSION
    if consistent:  # not while the database is unreachable
        response["X-Experience-API-Consistent-Through"] = queries.consistent_through()
    for name, value in CORS_HEADERS.items():
        response[name] = value
    if method == "HEAD":
        response.content = b""
    return response


def check_version(api_request):
    version = api_request.version
    if not version:
        raise ApiError(400, "the X-Experience-API-Version header is required")
    if not SUPPORTED_VERSION.match(version.strip()):
        raise ApiError(400, f"X-Experience-API-Version {version!r} is not supported (1.0.x)")


def handle(request, handler, needs_version=True):
    method = request.method
    try:
        if method == "OPTIONS":
            return finish(HttpResponse(status=204), "OPTIONS")
        try:
            api_request = ApiRequest(request)
            method = api_request.method
            response = handler(api_request)
        except ApiError as exc:
            response = error_response(exc.status, exc.message, exc.headers)
        except StatementError as exc:
            response = error_response(exc.status, str(exc))
        return finish(response, method)
    except DATABASE_OUTAGE:
        logger.warning("database unavailable during %s %s", method, request.path, exc_info=True)
        close_broken_connections()
        return database_unavailable(request, method)


def database_unavailable(request, method=None):
    """503 in the xAPI error format while the database is unreachable (core.outage); the client retries."""
    response = error_response(
        503, "the database is unavailable: try again later", {"Retry-After": str(RETRY_AFTER_SECONDS)}
    )
    return finish(response, method or request.method, consistent=False)


@csrf_exempt
@login_not_required
def about(request):
    def handler(api_request):
        if api_request.method not in ("GET", "HEAD"):
            raise ApiError(405, "the about resource only answers GET and HEAD", {"Allow": "GET, HEAD"})
        if api_request.params:
            raise ApiError(400, f"unknown parameter {sorted(api_request.params)[0]!r}")
        return json_response({"version": [VERSION, "1.0.2", "1.0.1", "1.0.0"], "extensions": {}})

    return handle(request, handler)


@csrf_exempt
@login_not_required
def statements(request):
    def handler(api_request):
        if api_request.method not in ("GET", "HEAD", "PUT", "POST"):
            raise ApiError(405, "statements answer GET, HEAD, PUT and POST", {"Allow": "GET, HEAD, PUT, POST"})
        caller = authenticate(request, api_request.headers.get("authorization"), api_request.method)
        check_version(api_request)
        if api_request.method in ("GET", "HEAD"):
            caller.require_read()
            return get_statements(api_request, caller)
        caller.require_write()
        if api_request.method == "PUT":
            return put_statement(api_request, caller)
        return post_statements(api_request, caller)

    return handle(request, handler)


# --- Writing ---------------------------------------------------------------------------------------


def split_statements(text):
    """Received items of a JSON object or array, each keeping its exact text."""
    stripped = text.strip()
    if not stripped.startswith("["):
        data = parse_json(stripped)
        if not isinstance(data, dict):
            raise StatementError("the body must be a statement or an array of statements")
        return [Received(stripped, data)], False
    items, position = [], 1
    whitespace = re.compile(r"\s*")
    position = whitespace.match(stripped, position).end()
    if stripped[position : position + 1] == "]":
        raise StatementError("the array of statements is empty")
    while True:
        data, end = decode_json(stripped, position, whole=False)
        if not isinstance(data, dict):
            raise StatementError(f"statement[{len(items)}] must be a JSON object")
        items.append(Received(stripped[position:end], data))
        position = whitespace.match(stripped, end).end()
        separator = stripped[position : position + 1]
        position = whitespace.match(stripped, position + 1).end()
        if separator == "]":
            break
        if separator != ",":
            raise StatementError("malformed JSON array of statements")
    if position != len(stripped):
        raise StatementError("unexpected content after the array of statements")
    return items, True


def read_statements(api_request):
    content_type = api_request.content_type.split(";")[0].strip().lower()
    body = api_request.body
    if content_type == "multipart/mixed":
        text, attachments = read_multipart(api_request.content_type, body)
    elif content_type == "application/json":
        attachments = {}
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise StatementError("statements must be encoded in UTF-8")
    else:
        raise ApiError(400, "statements must be sent as application/json or multipart/mixed")
    items, is_batch = split_statements(text)
    check_parts_are_declared(items, attachments)
    return items, is_batch, attachments


def store(items, attachments, caller):
    if attachments:  # signatures are checked on valid statements only, for clear messages
        for item in items:
            validate_statement(item.data)
        check_signatures(items, attachments)
    return save_statements(items, credential=caller.credential, user=caller.user, attachments=attachments)


def put_statement(api_request, caller):
    params = api_request.params
    if set(params) != {"statementId"}:
        if "statementId" not in params:
            raise ApiError(400, "PUT needs the statementId parameter")
        raise ApiError(400, "PUT accepts only the statementId parameter")
    try:
        statement_id = str(uuid.UUID(params["statementId"]))
    except ValueError:
        raise ApiError(400, "statementId must be a UUID")
    items, is_batch, attachments = read_statements(api_request)
    if is_batch:
        raise ApiError(400, "PUT stores a single statement, not an array")
    item = items[0]
    if "id" in item.data:
        try:
            same = uuid.UUID(str(item.data["id"])) == uuid.UUID(statement_id)
        except ValueError:
            same = False
        if not same:
            raise ApiError(400, "the statement id does not match the statementId parameter")
    else:
        item.data = {"id": statement_id, **item.data}
        item.text = '{"id":' + json.dumps(statement_id) + "," + item.text.strip()[1:].lstrip()
    store(items, attachments, caller)
    return HttpResponse(status=204)


def post_statements(api_request, caller):
    if api_request.params:
        raise ApiError(400, f"unknown parameter {sorted(api_request.params)[0]!r}")
    items, _is_batch, attachments = read_statements(api_request)
    rows = store(items, attachments, caller)
    return json_response([str(row.statement_id) for row in rows])


# --- Reading ---------------------------------------------------------------------------------------


def http_date(value):
    return format_datetime(value, usegmt=True)


def with_attachments(json_text, rows, credential):
    """multipart/mixed response: the JSON, then the raw data of every attachment the statements declare and
    the store holds, when a statement the client may read brought it (attachments given only by fileUrl
    have none; a sha2 known from another client's statement gives nothing)."""
    wanted = {attachment["sha2"] for row in rows for attachment in declared_attachments(row.data)}
    found = Attachment.objects.readable_by(credential).filter(sha2__in=wanted).order_by("sha2") if wanted else []
    body, content_type = multipart_response(json_text, list(found))
    return HttpResponse(body, content_type=content_type)


def get_statements(api_request, caller):
    params = dict(api_request.params)
    if "statementId" in params or "voidedStatementId" in params:
        return get_single(api_request, params, caller)
    credential = caller.credential
    if "more" in params:
        query = queries.load_more(params["more"])
    else:
        query = queries.parse_query(params)
    rows, more = queries.page(query, credential)
    preferred = queries.accept_languages(api_request.headers.get("accept-language"))
    texts = [queries.render(row, query["format"], preferred) for row in rows]
    more_url = f"{api_request.request.path}?more={more}" if more else ""
    json_text = '{"statements":[' + ",".join(texts) + '],"more":' + json.dumps(more_url) + "}"
    response = with_attachments(json_text, rows, credential) if query["attachments"] else json_response(json_text)
    if rows:
        response["Last-Modified"] = http_date(max(row.stored for row in rows))
    return response


def get_single(api_request, params, caller):
    if "statementId" in params and "voidedStatementId" in params:
        raise ApiError(400, "statementId and voidedStatementId cannot be used together")
    name = "statementId" if "statementId" in params else "voidedStatementId"
    extra = set(params) - {name, "format", "attachments"}
    if extra:
        raise ApiError(400, f"{name} can only be combined with format and attachments, not {sorted(extra)[0]!r}")
    statement_format = queries.parse_format(params)
    attachments = queries.parse_bool(params, "attachments")
    try:
        statement_id = uuid.UUID(params[name])
    except ValueError:
        raise ApiError(400, f"{name} must be a UUID")
    rows = Statement.objects.readable_by(caller.credential).filter(
        statement_id=statement_id, voided=(name == "voidedStatementId")
    )
    row = rows.only("pk", "stored", "exact", "data").first()
    if row is None:
        raise ApiError(404, f"no statement {statement_id}")
    preferred = queries.accept_languages(api_request.headers.get("accept-language"))
    text = queries.render(row, statement_format, preferred)
    response = with_attachments(text, [row], caller.credential) if attachments else json_response(text)
    response["Last-Modified"] = http_date(row.stored)
    return response
