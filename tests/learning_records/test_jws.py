"""Signed statements whose JWS carries the signer's key: the RSA signature itself is verified."""

import base64
import hashlib
import json
import random
import uuid

import pytest

from learning_records import jws
from learning_records.attachments import check_jws
from learning_records.validation import StatementError

from .helpers import make_statement


def is_probable_prime(n, rng):
    if n < 2 or n % 2 == 0:
        return n == 2
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(20):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


@pytest.fixture(scope="module")
def rsa_key():
    rng = random.Random(20261127)
    e = 65537

    def prime():
        while True:
            candidate = rng.getrandbits(512) | (1 << 511) | 1
            if candidate % e != 1 and is_probable_prime(candidate, rng):
                return candidate

    p, q = prime(), prime()
    n = p * q
    d = pow(e, -1, (p - 1) * (q - 1))
    return n, e, d


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def int_b64url(value):
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def sign(header, payload, key, alg="RS256"):
    n, _e, d = key
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    hash_function, prefix = jws.DIGEST_INFO[alg]
    digest = prefix + hash_function(signing_input.encode()).digest()
    size = (n.bit_length() + 7) // 8
    encoded = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
    signature = pow(int.from_bytes(encoded, "big"), d, n).to_bytes(size, "big")
    return f"{signing_input}.{b64url(signature)}".encode()


def der(tag, content):
    length = len(content)
    if length < 0x80:
        head = bytes([length])
    else:
        raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + head + content


def der_int(value):
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return der(0x02, raw)


def certificate(n, e):
    """A minimal X.509 structure: enough for the reader to find the SubjectPublicKeyInfo."""
    rsa_oid = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + der(0x05, b""))
    spki = der(0x30, rsa_oid + der(0x03, b"\x00" + der(0x30, der_int(n) + der_int(e))))
    name = der(0x30, b"")
    validity = der(0x30, b"")
    tbs = der(0x30, der(0xA0, der_int(2)) + der_int(1) + rsa_oid + name + validity + name + spki)
    return der(0x30, tbs + rsa_oid + der(0x03, b"\x00"))


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signature_with_jwk_verifies(rsa_key, alg):
    n, e, _d = rsa_key
    statement = make_statement(id=str(uuid.uuid4()))
    header = {"alg": alg, "jwk": {"kty": "RSA", "n": int_b64url(n), "e": int_b64url(e)}}
    check_jws(sign(header, statement, rsa_key, alg), statement)


def test_signature_with_x5c_verifies_and_a_tampered_one_does_not(rsa_key):
    n, e, _d = rsa_key
    statement = make_statement(id=str(uuid.uuid4()))
    header = {"alg": "RS256", "x5c": [base64.b64encode(certificate(n, e)).decode()]}
    token = sign(header, statement, rsa_key)
    check_jws(token, statement)
    head, payload, signature = token.split(b".")
    forged = bytearray(base64.urlsafe_b64decode(signature + b"=" * (-len(signature) % 4)))
    forged[-1] ^= 1
    with pytest.raises(StatementError, match="does not verify"):
        check_jws(head + b"." + payload + b"." + b64url(bytes(forged)).encode(), statement)


def test_signature_by_another_key_is_refused(rsa_key):
    n, e, d = rsa_key
    statement = make_statement(id=str(uuid.uuid4()))
    other_n = n + 2  # not the signer's modulus
    header = {"alg": "RS256", "jwk": {"kty": "RSA", "n": int_b64url(other_n), "e": int_b64url(e)}}
    with pytest.raises(StatementError, match="does not verify"):
        check_jws(sign(header, statement, rsa_key), statement)


def test_unreadable_key_is_refused(rsa_key):
    statement = make_statement(id=str(uuid.uuid4()))
    header = {"alg": "RS256", "x5c": ["not base64 !"]}
    with pytest.raises(StatementError, match="unreadable key"):
        check_jws(sign(header, statement, rsa_key), statement)


def test_a_forged_key_too_large_to_check_quickly_is_refused(rsa_key):
    """A huge exponent would make the RSA check run for minutes: refused before any computation."""
    n, _e, _d = rsa_key
    statement = make_statement(id=str(uuid.uuid4()))
    for forged_n, forged_e in ((n, (1 << 100_000) + 1), ((1 << 20_000) + 1, 65537)):
        header = {"alg": "RS256", "jwk": {"kty": "RSA", "n": int_b64url(forged_n), "e": int_b64url(forged_e)}}
        with pytest.raises(StatementError, match="too large"):
            check_jws(sign(header, statement, rsa_key), statement)


def test_digest_prefixes_are_the_der_digest_infos():
    # DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING digest }: its length matches the hash.
    for alg, (hash_function, prefix) in jws.DIGEST_INFO.items():
        assert prefix[1] == len(prefix) - 2 + hash_function().digest_size, alg
        assert prefix[-1] == hashlib.new(hash_function().name).digest_size
