"""Encryption at rest and keyed hashing for personal data (resident ID numbers, phones).

Values are encrypted with Fernet (AES-128-CBC + HMAC); equality look-ups use an HMAC-SHA256 of the
normalised value under a key derived from the same secret, so the database never holds a plain
value nor an unkeyed hash that could be reversed by enumerating the small ID-number space.
"""
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

# the letters of a check code: no 0/O, 1/I, read aloud or typed from paper without doubt
CHECK_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _keys() -> tuple[Fernet, bytes, bytes]:
    cached = current_app.extensions.get("pii_keys")
    if cached is None:
        raw = current_app.config["PII_KEY"]
        raw = raw.encode() if isinstance(raw, str) else raw
        fernet = Fernet(raw)
        mac_key = hashlib.sha256(b"lookup:" + raw).digest()
        check_key = hashlib.sha256(b"check:" + raw).digest()
        cached = current_app.extensions["pii_keys"] = (fernet, mac_key, check_key)
    return cached


def encrypt(value: str | None) -> bytes | None:
    if value is None:
        return None
    return _keys()[0].encrypt(value.encode())


def decrypt(token: bytes | None) -> str | None:
    if token is None:
        return None
    try:
        return _keys()[0].decrypt(bytes(token)).decode()
    except InvalidToken as exc:  # a wrong PII_KEY must not pass silently
        raise RuntimeError("personal data cannot be decrypted: is PII_KEY the key it was stored with?") from exc


def lookup_hash(value: str) -> str:
    return hmac.new(_keys()[1], value.strip().upper().encode(), hashlib.sha256).hexdigest()


def check_code(value: str, length: int = 8) -> str:
    """A keyed check of a printed number (a certificate's): without the key, knowing one
    certificate's number gives no other (8 letters: 40 bits to guess)."""
    digest = hmac.new(_keys()[2], value.encode(), hashlib.sha256).digest()
    return "".join(CHECK_ALPHABET[b % len(CHECK_ALPHABET)] for b in digest[:length])


def mask_id_number(value: str) -> str:
    """110105**********3X: the area code and the last two characters stay readable. With the age
    (which every reader may see) the hidden birth day and sequence digits leave thousands of
    possible numbers; with the last four shown they left a few dozen."""
    return value[:6] + "*" * (len(value) - 8) + value[-2:]


def mask_name(name: str) -> str:
    """马** : the family name stays readable, the rest of the name is hidden (an employer's view of a
    candidate not yet referred to it, the public checks of certificates)."""
    return name[:1] + "*" * (len(name) - 1)


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
