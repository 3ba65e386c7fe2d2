"""Streamed authenticated encryption of a backup file (AES-256-GCM in chunks).

A large database never has to fit in memory: the archive is sealed in chunks of
``CHUNK`` bytes, each with its own tag. The layout (the "STREAM" construction):

    header  = MAGIC (8) | key id (8) | nonce prefix (7) | chunk size (4, big-endian)
    chunk i = AES-GCM(key, nonce = prefix | i (4, big-endian) | last (1), data, aad = header)

The last chunk carries ``last = 1``, so a file cut at a chunk boundary fails to decrypt
(truncation is detected), as does any flipped byte (the tag) or chunks in another order
(the counter). The key id (an HMAC of a fixed label under the key) lets a restore tell "wrong
key" from "damaged file" without trying to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hongfan.core.backup import BackupError

MAGIC = b"HFBAKE01"
CHUNK = 1024 * 1024
_TAG = 16
_HEADER = struct.Struct(">8s8s7sI")
HEADER_SIZE = _HEADER.size


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...
    def flush(self) -> None: ...


def parse_key(value: str) -> bytes:
    """``HONGFAN_BACKUP_KEY``: base64 of 32 random bytes."""
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BackupError("HONGFAN_BACKUP_KEY is not valid base64") from exc
    if len(key) != 32:
        raise BackupError(f"HONGFAN_BACKUP_KEY must decode to 32 bytes, got {len(key)}")
    return key


def key_id(key: bytes) -> bytes:
    return hmac.new(key, b"hongfan-backup-key-id", hashlib.sha256).digest()[:8]


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object: what is written to it goes sealed to ``out``."""

    def __init__(self, out: Writable, key: bytes, chunk: int = CHUNK) -> None:
        self._out, self._aead, self._chunk = out, AESGCM(key), chunk
        self._prefix = os.urandom(7)
        self._header = _HEADER.pack(MAGIC, key_id(key), self._prefix, chunk)
        out.write(self._header)
        self._buf = bytearray()
        self._index = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self._buf += data
        while len(self._buf) > self._chunk:  # keep at least one byte back for the last chunk
            self._seal(bytes(self._buf[: self._chunk]), last=False)
            del self._buf[: self._chunk]
        return len(data)

    def _seal(self, data: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index, last)
        self._out.write(self._aead.encrypt(nonce, data, self._header))
        self._index += 1

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buf), last=True)
            self._buf.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file object over a sealed stream; raises ``BackupError`` on a wrong key,
    a damaged chunk or a cut-off end."""

    def __init__(self, src: BinaryIO, key: bytes | None) -> None:
        header = src.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise BackupError("the backup file is truncated (its encryption header is cut off)")
        magic, kid, prefix, chunk = _HEADER.unpack(header)
        if magic != MAGIC:
            raise BackupError("not an encrypted Hongfan backup")
        if key is None:
            raise BackupError(
                f"this backup is encrypted (key id {kid.hex()}): set HONGFAN_BACKUP_KEY to the "
                "key it was made with"
            )
        if kid != key_id(key):
            raise BackupError(
                f"wrong decryption key: this backup was encrypted with key id {kid.hex()}, "
                f"HONGFAN_BACKUP_KEY has key id {key_id(key).hex()}"
            )
        if not 0 < chunk <= 64 * 1024 * 1024:
            raise BackupError("the backup file is damaged (bad encryption header)")
        self._src, self._aead, self._header = src, AESGCM(key), header
        self._prefix, self._size = prefix, chunk + _TAG
        self._index = 0
        self._next = src.read(self._size)
        self._buf = b""
        self._done = False

    def _open_chunk(self) -> None:
        sealed, self._next = self._next, self._src.read(self._size)
        last = not self._next
        try:
            self._buf += self._aead.decrypt(
                _nonce(self._prefix, self._index, last), sealed, self._header
            )
        except InvalidTag as exc:
            raise BackupError(
                f"the backup file is damaged or truncated (encrypted chunk {self._index} "
                "fails its check)"
            ) from exc
        self._index += 1
        self._done = last

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buf) < size):
            self._open_chunk()
        if size < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:size], self._buf[size:]
        return out


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)
