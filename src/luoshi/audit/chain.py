"""The hash chain of the audit log (等保: records kept whole and in order). Each row stores
the SHA-256 of its own content and the previous row's hash, so editing, removing or
reordering any row breaks the chain at that row. Imports no Django."""

import datetime as dt
import hashlib
import json

# What a row's hash covers, in the order written. The user's id is left out on purpose:
# deleting a user sets it to NULL, and the name at the time is kept in ``username``.
HASHED_FIELDS = (
    "sequence",
    "at",
    "username",
    "address",
    "ip",
    "user_agent",
    "method",
    "path",
    "status_code",
    "action",
    "operation",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "summary",
)
GENESIS = ""  # the "previous hash" of the first row


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def content_of(row) -> dict:
    """The hashed content of a row (a model instance or anything with those attributes)."""
    return {name: _plain(getattr(row, name)) for name in HASHED_FIELDS}


def row_hash(content: dict, prev_hash: str) -> str:
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()
