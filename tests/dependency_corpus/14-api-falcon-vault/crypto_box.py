"""AES-GCM sealing of secret values (pycryptodome)."""

import base64
import os

from Crypto.Cipher import AES
from Crypto.Random import get_random_bytes

KEY = base64.b64decode(os.environ.get("VAULT_KEY_B64", base64.b64encode(b"0" * 32)))


def seal(plaintext: bytes) -> str:
    nonce = get_random_bytes(12)
    cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce)
    ciphertext, tag = cipher.encrypt_and_digest(plaintext)
    return base64.b64encode(nonce + tag + ciphertext).decode("ascii")


def unseal(token: str) -> bytes:
    raw = base64.b64decode(token)
    nonce, tag, ciphertext = raw[:12], raw[12:28], raw[28:]
    return AES.new(KEY, AES.MODE_GCM, nonce=nonce).decrypt_and_verify(ciphertext, tag)
