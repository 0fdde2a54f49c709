"""RSA signature check of a JWS (RS256/RS384/RS512, RSASSA-PKCS1-v1_5), without a crypto library.

Only public-key operations are needed: the key comes from the JWS header, as an `x5c` certificate chain
(the first certificate's SubjectPublicKeyInfo, read with a minimal DER reader) or a `jwk` RSA key.
"""

import base64
import binascii
import hashlib

DIGEST_INFO = {
    "RS256": (hashlib.sha256, bytes.fromhex("3031300d060960864801650304020105000420")),
    "RS384": (hashlib.sha384, bytes.fromhex("3041300d060960864801650304020205000430")),
    "RS512": (hashlib.sha512, bytes.fromhex("3051300d060960864801650304020305000440")),
}


class UnreadableKey(ValueError):
    """The key in the JWS header cannot be read."""


def der_read(data, position=0):
    """(tag, content, next position) of the DER element at `position`."""
    if position + 2 > len(data):
        raise UnreadableKey("truncated DER")
    tag, length = data[position], data[position + 1]
    position += 2
    if length & 0x80:
        size = length & 0x7F
        if size == 0 or size > 4 or position + size > len(data):
            raise UnreadableKey("bad DER length")
        length = int.from_bytes(data[position : position + size], "big")
        position += size
    end = position + length
    if end > len(data):
        raise UnreadableKey("truncated DER")
    return tag, data[position:end], end


def der_children(content):
    children, position = [], 0
    while position < len(content):
        tag, value, position = der_read(content, position)
        children.append((tag, value))
    return children


def rsa_key_from_spki(spki):
    algorithm, bit_string = der_children(spki)[:2]
    if bit_string[0] != 0x03 or not bit_string[1] or bit_string[1][0] != 0:
        raise UnreadableKey("not an RSA public key")
    tag, rsa_key, _end = der_read(bit_string[1][1:])
    n_element, e_element = der_children(rsa_key)[:2]
    return int.from_bytes(n_element[1], "big"), int.from_bytes(e_element[1], "big")


def rsa_key_from_certificate(der):
    tag, certificate, _end = der_read(der)
    tbs = der_children(der_children(certificate)[0][1])
    if tbs and tbs[0][0] == 0xA0:  # explicit version
        tbs = tbs[1:]
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    if len(tbs) < 6:
        raise UnreadableKey("not an X.509 certificate")
    return rsa_key_from_spki(tbs[5][1])


def b64url_int(value):
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


# Real RSA keys stay far below these; a forged key with a huge exponent would cost minutes of CPU to check.
MAX_MODULUS_BITS = 16384
MAX_EXPONENT_BITS = 64


def public_key(header):
    """(n, e) from the JWS header, or None when the header carries no key."""
    try:
        if header.get("x5c"):
            key = rsa_key_from_certificate(base64.b64decode(header["x5c"][0], validate=True))
        else:
            jwk = header.get("jwk")
            if not (isinstance(jwk, dict) and jwk.get("kty") == "RSA"):
                return None
            key = b64url_int(jwk["n"]), b64url_int(jwk["e"])
    except (KeyError, IndexError, TypeError, ValueError, binascii.Error) as exc:
        raise UnreadableKey(str(exc))
    n, e = key
    if n.bit_length() > MAX_MODULUS_BITS or e.bit_length() > MAX_EXPONENT_BITS:
        raise UnreadableKey("RSA key too large")
    return key


def verify(algorithm, signing_input, signature, key):
    """True when `signature` is `algorithm` (RS256/384/512) over `signing_input` with RSA `key` (n, e)."""
    n, e = key
    size = (n.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    hash_function, prefix = DIGEST_INFO[algorithm]
    digest = prefix + hash_function(signing_input).digest()
    if size < len(digest) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
    return pow(int.from_bytes(signature, "big"), e, n).to_bytes(size, "big") == expected
