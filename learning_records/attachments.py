"""Requests and responses with attachments (multipart/mixed) and signed statements (JWS), xAPI 1.0.3.

Request: the first part is application/json (the statement or the batch); every other part is one
attachment's raw data with `X-Experience-API-Hash` (its sha2) and `Content-Transfer-Encoding: binary`. A
part whose hash does not match its content, or that no statement declares, is refused; so is a declared
attachment without fileUrl and without its part (store.py).

Signatures: an attachment with usageType SIGNATURE_USAGE must be `application/octet-stream` and hold a JWS
(RFC 7515 compact serialisation) whose header names RS256, RS384 or RS512 and whose payload is the
statement as it was before the signature was added. When the JWS header carries the signer's key (`x5c`
certificate or `jwk`), the RSA signature itself is verified (jws.py); without a key only the structure,
algorithm and payload can be checked.
"""

import base64
import binascii
import copy
import hashlib
import re
import uuid

from . import jws
from .auth import ApiError
from .received import parse_json, same_payload
from .validation import StatementError, check_json_values

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_ALGORITHMS = {"RS256", "RS384", "RS512"}
HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}
BOUNDARY_RE = re.compile(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', re.I)


def bad(message):
    return ApiError(400, message)


def parse_headers(block):
    headers = {}
    for line in block.split(b"\r\n"):
        if not line.strip():
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise bad("malformed multipart headers")
        headers[name.strip().decode("latin-1").lower()] = value.strip().decode("latin-1")
    return headers


def split_multipart(content_type, body):
    """[(headers, content)] of a multipart/mixed body."""
    match = BOUNDARY_RE.search(content_type)
    if not match:
        raise bad("multipart/mixed requests need a boundary parameter")
    boundary = (match.group(1) or match.group(2)).encode("latin-1")
    delimiter = b"--" + boundary
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise bad("multipart body does not use the boundary given in Content-Type")
    parts = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n"):
            raise bad("malformed multipart body: a boundary must be followed by CRLF")
        chunk = chunk[2:]
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            if chunk.startswith(b"\r\n"):
                head, content = b"", chunk[2:]
            else:
                raise bad("malformed multipart part: no blank line after its headers")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        parts.append((parse_headers(head), content))
    return parts


def read_multipart(content_type, body):
    """(statements JSON text, {sha2: (content type, bytes)}) of a multipart/mixed request."""
    parts = split_multipart(content_type, body)
    first_headers, first_content = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise bad("the first part of a multipart request must be application/json")
    attachments = {}
    for headers, content in parts[1:]:
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise bad("every attachment part needs an X-Experience-API-Hash header")
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            raise bad("every attachment part needs Content-Transfer-Encoding: binary")
        algorithm = HASHES.get(len(sha2))
        if algorithm is None or algorithm(content).hexdigest() != sha2.lower():
            raise bad(f"attachment part {sha2} does not match its X-Experience-API-Hash")
        attachments[sha2] = (headers.get("content-type", "application/octet-stream"), content)
    try:
        text = first_content.decode("utf-8")
    except UnicodeDecodeError:
        raise bad("statements must be encoded in UTF-8")
    return text, attachments


def declared_hashes(data):
    """The sha2 of every attachment a statement declares (read before validation: any shape may come)."""
    declaring = [data]
    obj = data.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        declaring.append(obj)
    return [
        a["sha2"]
        for statement in declaring
        if isinstance(statement.get("attachments"), list)
        for a in statement["attachments"]
        if isinstance(a, dict) and isinstance(a.get("sha2"), str)
    ]


def check_parts_are_declared(items, attachments):
    declared = {sha2 for item in items for sha2 in declared_hashes(item.data)}
    for sha2 in attachments:
        if sha2 not in declared:
            raise bad(f"attachment part {sha2} is not declared by any statement")


def b64url(segment):
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise StatementError("signature: the JWS is not base64url encoded")


def check_signatures(items, attachments):
    """Check every signature attachment of the statements (raises StatementError)."""
    for item in items:
        signatures = [a for a in item.data.get("attachments", []) if a.get("usageType") == SIGNATURE_USAGE]
        for attachment in signatures:
            if attachment.get("contentType") != "application/octet-stream":
                raise StatementError("signature: a signature attachment must be application/octet-stream")
            if attachment["sha2"] not in attachments:
                continue  # signature given by fileUrl: it cannot be checked here
            check_jws(attachments[attachment["sha2"]][1], item.data)


def check_jws(raw, statement):
    try:
        token = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise StatementError("signature: the JWS must be ASCII (compact serialisation)")
    segments = token.split(".")
    if len(segments) != 3 or not all(segments):
        raise StatementError("signature: malformed JWS (header.payload.signature expected)")
    raw_header, raw_payload = b64url(segments[0]), b64url(segments[1])
    try:
        header = parse_json(raw_header)
        payload = parse_json(raw_payload)
        check_json_values(header)  # bounded depth: the payload is deep-copied to be compared
        check_json_values(payload)
    except StatementError:
        raise StatementError("signature: the JWS header and payload must be JSON statements")
    if not isinstance(header, dict) or header.get("alg") not in SIGNATURE_ALGORITHMS:
        raise StatementError("signature: the JWS algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise StatementError("signature: the JWS payload must be a statement")
    try:
        key = jws.public_key(header)
    except jws.UnreadableKey as exc:
        raise StatementError(f"signature: unreadable key in the JWS header ({exc})")
    if key is not None:
        signing_input = f"{segments[0]}.{segments[1]}".encode("ascii")
        if not jws.verify(header["alg"], signing_input, b64url(segments[2]), key):
            raise StatementError("signature: the JWS signature does not verify with the key it carries")
    unsigned = copy.deepcopy(statement)
    remaining = [a for a in unsigned.get("attachments", []) if a.get("usageType") != SIGNATURE_USAGE]
    if remaining:
        unsigned["attachments"] = remaining
    else:
        unsigned.pop("attachments", None)
    if "id" in payload and "id" in unsigned:
        try:
            if uuid.UUID(str(payload["id"])) != uuid.UUID(unsigned["id"]):
                raise StatementError("signature: the JWS payload has another statement id")
        except ValueError:
            raise StatementError("signature: the JWS payload has an invalid statement id")
    if not same_payload(payload, unsigned):
        raise StatementError("signature: the JWS payload does not match the statement")


def multipart_response(json_text, attachments):
    """(body, content type) of a multipart/mixed response: the JSON first, then each attachment."""
    boundary = uuid.uuid4().hex
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json_text.encode(),
        b"\r\n",
    ]
    for attachment in attachments:
        chunks += [
            f"--{boundary}\r\nContent-Type: {attachment.content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode(),
            bytes(attachment.content),
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
