"""Writing audit rows: ``record`` is the one function that adds a row to the chain; every
write (pages, API, CLI, admin, Excel upload) reaches it through ``record_change``, which
the domain services call, or the middleware for a request no service recorded."""

import contextlib
import contextvars
import getpass
import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.utils import timezone

from luoshi.core.together import Together

from .chain import GENESIS, HASH_RULES, content_of, row_hash
from .choices import AuditAction
from .models import AuditLog, ChainHead

NOTE_ATTR = "_luoshi_audit_notes"
SECRET_FIELDS = {"password", "password1", "password2", "old_password", "new_password1", "new_password2"}
SECRET_WORDS = ("password", "secret", "token")


@dataclass
class Origin:
    """Where the writes of this request or command come from."""

    address: str
    ip: str | None = None
    user_agent: str = ""
    method: str = ""
    path: str = ""
    request: object = None
    recorded: list = field(default_factory=list)  # ids of the rows written for it
    committed: set = field(default_factory=set)  # those whose transaction committed
    user: object = None  # the signed-in user, for writes no service names an actor for
    notes: list = field(default_factory=list)
    token_id: int | None = None  # the personal API token the request came with


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment  # noqa: BLE001
        return "unknown"


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("luoshi_audit_origin", default=None)


def current_origin() -> Origin:
    """The origin of the writes now: the request being served, else this process run
    from the command line (``cli:`` and the system user)."""
    origin = _origin.get()
    if origin is None:
        origin = Origin(address=f"cli:{os_user()}", method="CLI")
        _origin.set(origin)
    return origin


@contextlib.contextmanager
def origin_of(origin: Origin):
    token = _origin.set(origin)
    try:
        yield origin
    finally:
        _origin.reset(token)


def client_ip(request) -> str | None:
    """The client's address, behind the deployment's trusted proxies (``core.addresses``)."""
    from luoshi.core.addresses import client_address

    return client_address(request) or None


def request_origin(request) -> Origin:
    ip = client_ip(request)
    return Origin(
        address=ip or "",
        ip=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        method=request.method or "",
        path=request.get_full_path()[:500],
        request=request,
    )


def command_origin(argv: list[str]) -> Origin:
    """A ``luoshi`` command run by a system user: ``cli:root``, the command as its path."""
    return Origin(address=f"cli:{os_user()}", method="CLI", path=" ".join(["luoshi", *argv])[:500])


# ---------------------------------------------------------------- values


def plain(value):
    """A value as JSON keeps it (dates, decimals and files as text, objects by name)."""
    if isinstance(value, models.Model):
        return str(value)[:200]
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(obj, names=None) -> dict:
    """The values of an object's own fields (foreign keys by id) for a before/after diff."""
    values = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in ("created_at", "updated_at"):
            continue
        if names is not None and f.name not in names:
            continue
        values[f.name] = plain(getattr(obj, f.attname))
    return values


def diff(before: dict, after: dict) -> dict:
    """Fields whose value differs: name → [before, after] (secrets masked)."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            flag = all(isinstance(v, bool) or v is None for v in (old, new))  # must_change_password
            if any(word in name for word in SECRET_WORDS) and not flag:
                old, new = "******", "******"
            changes[name] = [old, new]
    return changes


# ---------------------------------------------------------------- writing rows


def _lock_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def _organisation_of(user) -> int | None:
    """The organisation of the user who acted (read with the user where it was)."""
    if user is None:
        return None
    profile = getattr(user, "_luoshi_profile", None)
    if profile is None:
        from luoshi.accounts.models import Profile

        return Profile.objects.filter(user=user).values_list("organisation_id", flat=True).first()
    return profile.organisation_id if profile else None


def _row(
    *,
    action: str,
    user=None,
    username: str = "",
    operation: str = "",
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    summary: dict | None = None,
    status_code: int | None = None,
    origin: Origin,
) -> AuditLog:
    """An audit row, not yet numbered nor hashed."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if origin.token_id is not None:  # in the summary, so the hash chain covers it
        summary = {**(summary or {}), "token": origin.token_id}
    ip = AuditLog._meta.get_field("ip").get_prep_value(origin.ip) if origin.ip else None
    return AuditLog(
        at=timezone.now(),
        user=user,
        organisation_id=_organisation_of(user),
        username=(username or (user.get_username() if user else ""))[:150],
        address=origin.address[:200],
        ip=ip,
        user_agent=origin.user_agent,
        method=origin.method[:10],
        path=origin.path,
        status_code=status_code,
        action=action,
        operation=operation[:100],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=object_repr[:300],
        changes=plain(changes or {}),
        summary=plain(summary or {}),
    )


@transaction.atomic(savepoint=False)  # in the caller's transaction: no savepoint of its own
def _append(rows: list[AuditLog], origin: Origin, together: Together | None = None) -> list[AuditLog]:
    """Number, hash and insert rows at the end of the chain, in the caller's transaction:
    three queries however many rows (lock the head, insert, move the head); with
    ``together``, the head is locked here and the insert and the move are sent with the
    caller's other writes (``core.together``: on PostgreSQL one statement for them all)."""
    if together is None:
        head = _lock_head()
        sequence, prev_hash = head.sequence, head.hash or GENESIS
    else:
        sequence, prev_hash = _locked_head(together.using)
    for row in rows:
        sequence += 1
        row.sequence, row.prev_hash = sequence, prev_hash
        row.hash = prev_hash = row_hash(content_of(row), prev_hash)

    def recorded(ids: list) -> None:
        origin.recorded.extend(ids)
        if len(origin.recorded) > 1000:  # a long-running command (tick --loop) keeps only the latest
            del origin.recorded[:-100]
            origin.committed.clear()
        # known kept once the transaction commits (the middleware needs no query to ask)
        transaction.on_commit(lambda: origin.committed.update(ids))

    if together is None:
        AuditLog.objects.bulk_create(rows)
        head.sequence, head.hash = sequence, prev_hash
        head.save(update_fields=["sequence", "hash", "updated_at"])
        recorded([row.pk for row in rows])
    else:
        together.insert(AuditLog, rows, then=recorded)
        connection = connections[together.using]
        quote = connection.ops.quote_name
        moment = ChainHead._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
        together.add(
            f"UPDATE {quote(ChainHead._meta.db_table)} SET {quote('sequence')} = %s, {quote('hash')} = %s, "
            f"{quote('updated_at')} = %s WHERE {quote('id')} = %s",
            [sequence, prev_hash, moment, 1],
        )
    return rows


def _locked_head(using: str) -> tuple[int, str]:
    """The chain head's number and hash, its row locked (``_lock_head`` in one plain
    statement: the ORM's building of it cost more than running it)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: BEGIN IMMEDIATE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('sequence')}, {quote('hash')} FROM {quote(ChainHead._meta.db_table)} "
            f"WHERE {quote('id')} = %s{lock}",
            [1],
        )
        row = cursor.fetchone()
    if row is None:  # the first row ever: the head made
        head = _lock_head()
        return head.sequence, head.hash or GENESIS
    return row[0], row[1] or GENESIS


def record(*, origin: Origin | None = None, **fields) -> AuditLog:
    """Add one row to the end of the audit chain, in the caller's transaction (the fields
    of ``_row``: action, user, operation, obj, changes, summary, ...)."""
    origin = origin or current_origin()
    return _append([_row(origin=origin, **fields)], origin)[0]


def _actor_user(actor):
    user = getattr(actor, "user", actor)
    request = current_origin().request
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None  # who set the system to work
    return user


def record_change(
    actor, operation: str, obj, changes: dict | None = None, *, action=AuditAction.CHANGE, **summary
):
    """What every service calls for a write: who (an ``Actor``; the system for the CLI),
    what it did (``operation``, in Chinese), to what object, which fields from what to what."""
    user = _actor_user(actor)
    return record(
        action=action,
        user=user,
        username="" if user is not None else "系统",
        operation=operation,
        obj=obj,
        changes=changes,
        summary=summary,
    )


def record_changes(actor, entries, together: Together | None = None) -> list[AuditLog]:
    """Several writes of one service call at once (``entries``: ``(operation, obj, changes,
    action)``), one row each, in the same three queries as one row (with ``together``:
    the head locked now, the rest sent with the caller's other writes)."""
    user = _actor_user(actor)
    origin = current_origin()
    rows = [
        _row(
            action=action,
            user=user,
            username="" if user is not None else "系统",
            operation=operation,
            obj=obj,
            changes=changes,
            origin=origin,
        )
        for operation, obj, changes, action in entries
    ]
    return _append(rows, origin, together) if rows else []


def note(request, action: str = "", obj=None, **summary) -> None:
    """Say what this request changed where no service records it; kept on the request
    until the middleware writes the row."""
    notes = getattr(request, NOTE_ATTR, None)
    if notes is None:
        notes = []
        setattr(request, NOTE_ATTR, notes)
    entry = dict(summary)
    if action:
        entry["action"] = action
    if obj is not None:
        entry["object_type"] = obj._meta.label_lower
        entry["object_id"] = str(obj.pk)
        entry.setdefault("object", str(obj)[:200])
    notes.append(entry)


def record_request(
    request, *, action: str, user=None, status_code=None, summary=None, origin: Origin | None = None
) -> AuditLog:
    """The row of a request no service recorded (a refused one, a setting saved)."""
    notes = getattr(request, NOTE_ATTR, None) or []
    data = dict(summary or {})
    object_type = object_id = object_repr = ""
    if notes:
        data["notes"] = notes
        first = next((n for n in notes if n.get("object_type")), {})
        object_type, object_id, object_repr = (
            first.get("object_type", ""),
            first.get("object_id", ""),
            first.get("object", ""),
        )
        operation = next((n["action"] for n in notes if n.get("action")), "")
    else:
        operation = ""
    return record(
        action=action,
        user=user if user is not None else getattr(request, "user", None),
        operation=operation,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        status_code=status_code,
        summary=data,
        origin=origin or request_origin(request),
    )


def posted_fields(request) -> list[str]:
    """The names of the fields a request posted (never their values), and its files."""
    names = [name for name in request.POST if name not in SECRET_FIELDS and name != "csrfmiddlewaretoken"]
    files = [f"{name}:{f.name}" for name in request.FILES for f in request.FILES.getlist(name)]
    return names + files


__all__ = [
    "AuditAction",
    "client_ip",
    "current_origin",
    "diff",
    "note",
    "origin_of",
    "posted_fields",
    "record",
    "record_change",
    "record_changes",
    "record_request",
    "snapshot",
]


# ---------------------------------------------------------------- checking and exporting


@dataclass
class ChainReport:
    """What ``verify_chain`` found: the rows checked and, where the chain breaks, the
    first row at fault and what is wrong with it (Chinese)."""

    checked: int
    last_hash: str
    problem: str = ""
    row: AuditLog | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def describe(row: AuditLog) -> str:
    who = row.username or "匿名"
    what = row.operation or row.get_action_display()
    when = timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S")
    target = f"，对象 {row.object_repr}" if row.object_repr else ""
    return f"第 {row.sequence} 条（记录编号 {row.pk}，{when}，{who}，{what}{target}）"


def verify_chain() -> ChainReport:
    """Walk the audit chain in order and report the first row that was edited, removed or
    reordered: its content must give its hash, its previous hash must be the hash of the
    row before it, the numbers must run without gaps up to the head."""
    prev_hash, expected, checked = GENESIS, 1, 0
    for row in AuditLog.objects.order_by("sequence").iterator(chunk_size=2000):
        if row.sequence != expected:
            missing = (
                f"第 {expected} 条"
                if row.sequence == expected + 1
                else f"第 {expected}–{row.sequence - 1} 条"
            )
            return ChainReport(
                checked, prev_hash, f"{missing}记录已被删除（其后的记录是{describe(row)}）", row
            )
        if row.hash_version not in HASH_RULES:
            return ChainReport(
                checked,
                prev_hash,
                f"{describe(row)}的校验规则编号 {row.hash_version} 无效（应为 1 或 2）",
                row,
            )
        if row.hash != row_hash(content_of(row), row.prev_hash):
            return ChainReport(
                checked, prev_hash, f"{describe(row)}的内容被修改过或顺序被调换（与其校验值不符）", row
            )
        if row.prev_hash != prev_hash:
            return ChainReport(
                checked,
                prev_hash,
                f"{describe(row)}之前的记录被删除、替换或顺序被调换（上一条校验值不符）",
                row,
            )
        prev_hash, expected, checked = row.hash, expected + 1, checked + 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (checked, prev_hash):
        if head.sequence > checked:
            return ChainReport(
                checked,
                prev_hash,
                f"最后的第 {checked + 1}–{head.sequence} 条记录已被删除（链头记到第 {head.sequence} 条）",
            )
        return ChainReport(
            checked, prev_hash, f"链头（第 {head.sequence} 条）与最后一条记录（第 {checked} 条）不符"
        )
    return ChainReport(checked, prev_hash)


EXPORT_COLUMNS = [
    ("序号", 8),
    ("时间", 20),
    ("用户", 16),
    ("来源地址", 16),
    ("操作类别", 10),
    ("操作", 16),
    ("对象类型", 18),
    ("对象编号", 10),
    ("对象", 30),
    ("变更内容", 60),
    ("请求", 40),
    ("响应状态", 8),
    ("浏览器", 30),
    ("校验值", 66),
    ("上一条校验值", 66),
]


def _changes_text(changes: dict) -> str:
    return "；".join(f"{name}：{old!r} → {new!r}" for name, (old, new) in (changes or {}).items())


def export_rows(start, end):
    """The rows of the days from ``start`` to ``end`` (local dates, inclusive), in order,
    as lists matching ``EXPORT_COLUMNS``."""
    import datetime as dt

    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = AuditLog.objects.filter(at__gte=since, at__lt=until).order_by("sequence")
    for row in rows.iterator(chunk_size=2000):
        request = f"{row.method} {row.path}".strip()
        yield [
            row.sequence,
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            row.username,
            row.address,
            row.get_action_display(),
            row.operation,
            row.object_type,
            row.object_id,
            row.object_repr,
            _changes_text(row.changes),
            request,
            row.status_code or "",
            row.user_agent,
            row.hash,
            row.prev_hash,
        ]
