"""Encryption at rest for tenants' shared secrets.

``SECRET_KEY`` may list several comma-separated keys: the first encrypts, all decrypt, so keys
can be rotated without locking tenants out.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet


class SecretDecryptionError(RuntimeError):
    """A stored secret cannot be decrypted with any configured key."""


def _fernet(passphrase: str) -> Fernet:
    digest = hashlib.sha256(passphrase.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class SecretBox:
    def __init__(self, secret_key: str):
        keys = [part.strip() for part in secret_key.split(",") if part.strip()]
        if not keys:
            raise ValueError("SECRET_KEY is empty")
        self._fernet = MultiFernet([_fernet(key) for key in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise SecretDecryptionError("stored secret does not decrypt with SECRET_KEY") from exc
