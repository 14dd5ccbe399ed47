"""Signed run records: Ed25519 over a canonical serialisation of the whole record.

Re-simulation proves a record's events follow from its inputs; it cannot see a changed
trainee name, end reason, duration or decision summary. A signature covers every field:
the record without its `signature`, as JSON with sorted keys, no spaces and ASCII escapes
(so the same record always gives the same bytes, whatever the file's layout).

The key pair is made on first use and kept beside the results store (`signing_key.pem`,
readable by its owner only). `keys export` prints the public key, so an evaluator on
another machine can check a record with `verify --key`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sim.format.problems import InputError, Problem

KEY_FILE = "signing_key.pem"
ALGORITHM = "ed25519"


def canonical(record: dict[str, Any]) -> bytes:
    """The bytes that are signed: every field but the signature itself."""
    body = {k: v for k, v in record.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def fingerprint(public: Ed25519PublicKey) -> str:
    """SHA256:... of the raw public key, as ssh-keygen shows keys: short enough to read out."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii").rstrip("=")


def public_text(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def _raw_b64(public: Ed25519PublicKey) -> str:
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)).decode("ascii")


def key_pair(folder: Path | str, *, create: bool = True) -> Optional[Ed25519PrivateKey]:
    """This machine's signing key, kept in `folder` (beside the results store); made on first
    use, readable by its owner only (0600). None if there is none and `create` is False."""
    path = Path(folder) / KEY_FILE
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from its first byte
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # never replaces a key another process made meanwhile
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise InputError([Problem(str(path), 1, 1, "", f"not an Ed25519 private key in PEM ({exc})")]) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError([Problem(str(path), 1, 1, "", "not an Ed25519 private key")])
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # readable by its owner only, even if someone loosened it
    return key


def sign(record: dict[str, Any], folder: Path | str) -> dict[str, Any]:
    """Add the signature of this machine's key (made if need be) to `record`, in place."""
    key = key_pair(folder)
    record.pop("signature", None)
    public = key.public_key()
    record["signature"] = {"algorithm": ALGORITHM, "public_key": _raw_b64(public),
                           "fingerprint": fingerprint(public),
                           "value": base64.b64encode(key.sign(canonical(record))).decode("ascii")}
    return record


def read_public_key(text_or_path: str) -> Ed25519PublicKey:
    """A public key given on the command line: a file (PEM, as `keys export` prints it) or
    the key itself (PEM text or the 32 raw bytes in base64)."""
    where = text_or_path
    text = text_or_path
    if "BEGIN" not in text and len(text) < 4096 and Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8", errors="replace")
    try:
        if "BEGIN" in text:
            key = serialization.load_pem_public_key(text.encode("utf-8"))
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InputError([Problem("--key", 1, 1, "", f"{where[:80]!r} is not an Ed25519 public key (a file "
                                  f"from `keys export`, or the key in base64): {exc}")]) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError([Problem("--key", 1, 1, "", "not an Ed25519 public key")])
    return key


@dataclass
class Seal:
    """What the signature of a record says."""
    signed: bool
    valid: bool
    fingerprint: Optional[str]
    message: str


def check(record: dict[str, Any], *, trusted: Optional[Ed25519PublicKey] = None,
          own: Optional[Ed25519PublicKey] = None) -> Seal:
    """Check a record's signature: against `trusted` if given (a key from another machine),
    else against the key the record names, saying whether that is this machine's (`own`)."""
    seal = record.get("signature")
    if seal is None:
        return Seal(False, False, None, "the record is not signed")
    if not isinstance(seal, dict) or seal.get("algorithm") != ALGORITHM \
            or not all(isinstance(seal.get(k), str) for k in ("public_key", "value")):
        return Seal(True, False, None, f"signature: not an {ALGORITHM} signature as this software writes them")
    try:
        named = Ed25519PublicKey.from_public_bytes(base64.b64decode(seal["public_key"], validate=True))
        value = base64.b64decode(seal["value"], validate=True)
    except ValueError:
        return Seal(True, False, None, "signature: its key or value is not valid base64 of an Ed25519 key")
    key = trusted or named
    print_ = fingerprint(key)
    if trusted is not None and fingerprint(named) != print_:
        return Seal(True, False, fingerprint(named), f"signed by key {fingerprint(named)}, not by the key given "
                                                     f"({print_})")
    try:
        key.verify(value, canonical(record))
    except InvalidSignature:
        return Seal(True, False, print_, f"the signature of key {print_} does not match: the record was changed "
                                         "after it was signed")
    except ValueError as exc:  # a value that is not JSON (NaN) cannot have been signed
        return Seal(True, False, print_, f"the record cannot be serialised as signed: {exc}")
    if trusted is not None:
        whose = "the key given"
    elif own is not None and fingerprint(own) == print_:
        whose = "this machine's key"
    else:
        whose = "a key not known here: check it with --key PUBLIC_KEY from the machine that made it"
    return Seal(True, True, print_, f"signed by {print_} ({whose})")
