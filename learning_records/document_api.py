"""The xAPI document resources at /xapi/: activities/state, activities/profile, agents/profile, and the
Activities and Agents resources (xAPI 1.0.3 Communication 2.2-2.7).

Requests go through the Statement API's handling (api.handle: alternate request syntax, version header, CORS,
JSON errors). The rules live in documents.py (documents, who may do what) and activity_definitions.py; these
views translate HTTP. Every successful GET carries an ETag (SHA-1 of the body, quoted).
"""

import hashlib

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from . import activity_definitions, documents
from .api import check_version, handle, http_date, json_response
from .auth import ApiError, Caller, authenticate_basic, csrf_passes, unauthorized
from .validation import StatementError, check_iri

DOCUMENT_METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
READ_METHODS = ("GET", "HEAD")
# Scopes that may read activity definitions and Person Objects (neither holds anything about a person that
# the request does not already say).
METADATA_SCOPES = ("statements/read", "statements/read/mine", "state", "profile", "define", "all/read", "all")


def caller_of(request, api_request):
    """An HTTP Basic credential, or a signed-in agent's browser (CSRF token required unless it only reads)."""
    authorization = api_request.headers.get("authorization")
    if authorization:
        return Caller(credential=authenticate_basic(request, authorization))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if request.method not in READ_METHODS and not csrf_passes(request):
            raise ApiError(403, "CSRF verification failed: send the X-CSRFToken header")
        return Caller(user=user)
    raise unauthorized("authentication required")


def no_content(etag=None):
    response = HttpResponse(status=204)
    del response["Content-Type"]
    if etag is not None:
        response["ETag"] = f'"{etag}"'
    return response


def with_etag(response):
    response["ETag"] = f'"{hashlib.sha1(response.content).hexdigest()}"'
    return response


def read_content(request, api_request, caller):
    """(bytes, content type) of a PUT/POST, 413 beyond the caller's limit (checked before reading when the
    Content-Length header announces it)."""
    limit = documents.max_bytes(caller)
    declared = api_request.headers.get("content-length", "")
    if "method" not in request.GET and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"documents are limited to {limit} bytes")
    content = api_request.body
    if len(content) > limit:
        raise ApiError(413, f"documents are limited to {limit} bytes")
    return content, api_request.headers.get("content-type", "").strip()


def document_response(api_request, document):
    if_none_match = api_request.headers.get("if-none-match")
    if if_none_match is not None and documents.etag_matches(document, if_none_match):
        response = HttpResponse(status=304)
    else:
        if_match = api_request.headers.get("if-match")
        if if_match is not None and not documents.etag_matches(document, if_match):
            raise ApiError(412, "If-Match does not match the current document")
        response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated)
    return response


def document_resource(resource):
    """The view of one document resource (state, activity profile or agent profile)."""

    def handler(request, api_request):
        method = api_request.method
        if method not in DOCUMENT_METHODS:
            raise ApiError(
                405, "this resource answers GET, HEAD, PUT, POST and DELETE", {"Allow": ", ".join(DOCUMENT_METHODS)}
            )
        caller = caller_of(request, api_request)
        check_version(api_request)
        address, since = documents.parse_address(resource, api_request.params, method)
        if_match, if_none_match = api_request.headers.get("if-match"), api_request.headers.get("if-none-match")
        if method in READ_METHODS:
            if address.document_id is not None:
                return document_response(api_request, documents.read(address, caller))
            ids, last_updated = documents.list_ids(address, caller, since)
            response = with_etag(json_response(ids))
            if last_updated is not None:
                response["Last-Modified"] = http_date(last_updated)
            return response
        if method == "DELETE":
            documents.delete(address, caller, if_match, if_none_match)
            return no_content()
        content, content_type = read_content(request, api_request, caller)
        document = documents.write(
            address,
            caller,
            content,
            content_type,
            post=method == "POST",
            if_match=if_match,
            if_none_match=if_none_match,
        )
        return no_content(document.etag)

    @csrf_exempt
    @login_not_required
    def view(request):
        return handle(request, lambda api_request: handler(request, api_request))

    return view


state = document_resource(documents.STATE)
activity_profile = document_resource(documents.ACTIVITY_PROFILE)
agent_profile = document_resource(documents.AGENT_PROFILE)


def metadata_resource(parameter, build):
    """A read-only resource with one required parameter (Activities, Agents)."""

    def handler(request, api_request):
        if api_request.method not in READ_METHODS:
            raise ApiError(405, "this resource only answers GET and HEAD", {"Allow": "GET, HEAD"})
        caller = caller_of(request, api_request)
        check_version(api_request)
        if caller.credential is None or not caller.credential.has_scope(*METADATA_SCOPES):
            raise ApiError(403, "this resource needs a credential with a read, state, profile or define scope")
        params = api_request.params
        unknown = set(params) - {parameter}
        if unknown:
            raise ApiError(400, f"unknown parameter {sorted(unknown)[0]!r}")
        if parameter not in params:
            raise ApiError(400, f"the {parameter} parameter is required")
        return with_etag(json_response(build(params[parameter])))

    @csrf_exempt
    @login_not_required
    def view(request):
        return handle(request, lambda api_request: handler(request, api_request))

    return view


def activity(activity_id):
    try:
        check_iri(activity_id, "activityId")
    except StatementError as exc:
        raise ApiError(400, str(exc))
    return activity_definitions.activity_object(activity_id)


def agent(value):
    return documents.person(documents.parse_agent(value)[0])


activities = metadata_resource("activityId", activity)
agents = metadata_resource("agent", agent)
