"""The hash chain of the audit log (等保: records kept whole and in order). Each row stores
the SHA-256 of its own content and the previous row's hash, so editing, removing or
reordering any row breaks the chain at that row. Imports no Django.

Two rules, a row saying by which it was hashed (``hash_version``): rule 1 covers
``HASHED_FIELDS``; rule 2, the rule of every row written since the audit row's organisation
was added, covers those, the organisation (its id) and the rule's own number, so neither
the organisation nor the rule can be changed without the row's hash telling. Rows written
before keep rule 1: their organisation was filled in afterwards, outside any hash."""

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
# rule 2 adds these (attribute → key in the hashed content)
RULE_2_FIELDS = (("organisation_id", "organisation"), ("hash_version", "hash_version"))
CURRENT_RULE = 2
HASH_RULES = (1, 2)
GENESIS = ""  # the "previous hash" of the first row


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def content_of(row) -> dict:
    """The hashed content of a row (a model instance or anything with those attributes),
    by the rule the row names (``hash_version``; none: rule 1)."""
    content = {name: _plain(getattr(row, name)) for name in HASHED_FIELDS}
    if getattr(row, "hash_version", 1) != 1:  # rule 2 (an unknown number hashes as 2: it fails)
        for attribute, key in RULE_2_FIELDS:
            content[key] = getattr(row, attribute)
    return content


def row_hash(content: dict, prev_hash: str) -> str:
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()
