"""Writing audit events. Never put 身份证号 or 手机号 in ``detail``.

Every audit row (core's ``AuditEvent``, django-auditlog's ``LogEntry``) is sealed into a
keyed hash chain (``AuditSeal``) in the transaction that writes it; ``chain_verify`` walks
the chain (docs/decisions/0012-key-rotation-and-audit-chain.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import smart_str

from hongfan.core.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    AuditSeal,
    AuditSource,
)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    action: str,
    request: HttpRequest | None = None,
    user: Any = None,
    actor_id: int | None = None,
    username: str = "",
    target: Any = None,
    hospital_id: int | None = None,
    success: bool = True,
    **detail: Any,
) -> AuditEvent:
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    if user is None and actor_id is not None:
        # Called without a request (API helper, import, task): still record who acted.
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=actor_id).first()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if not username and user is not None:
        username = user.get_username()
    target_type = target_id = target_repr = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_repr = str(target)[:200]
        if hospital_id is None:
            hospital_id = getattr(target, "hospital_id", None)
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=username[:150],
        ip=client_ip(request),
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        hospital_id=hospital_id,
        detail=detail,
        success=success,
    )


def _created_changes(obj: Any, fields: list[Any]) -> dict[str, list[str]]:
    """A new row's fields as django-auditlog writes a CREATE (``{name: ["None", value]}``,
    a foreign key by its id), read from the row's own columns only: auditlog's own
    ``model_instance_diff`` also reads reverse relations, one query each per row."""
    out: dict[str, list[str]] = {}
    for field in fields:
        value = getattr(obj, field.attname)
        if value is None or value == "":
            continue
        if isinstance(field, models.DateTimeField) and timezone.is_aware(value):
            value = timezone.make_naive(value, UTC)
        out[field.name] = ["None", smart_str(value)]
    return out


def data_created_many(instances: list[Any], *, request: HttpRequest | None = None) -> int:
    """Record rows written with ``bulk_create`` (which sends no signals, so django-auditlog
    does not see them) in the data-change log, as auditlog records one saved row: a CREATE
    entry per row with its fields (the model's registered exclusions apply, so personal data
    stays out), the acting user and address. The rows must have their primary keys (as
    ``bulk_create`` returns them on SQLite and PostgreSQL). Returns the entries written;
    no query per row."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.contrib.contenttypes.models import ContentType

    if not instances:
        return 0
    model = type(instances[0])
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    options = auditlog.get_model_fields(model)
    include, exclude = options["include_fields"], set(options["exclude_fields"])
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in exclude and (not include or f.name in include)
    ]
    content_type = ContentType.objects.get_for_model(model)
    cid = get_cid()
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(obj.pk),
            object_id=obj.pk if isinstance(obj.pk, int) else None,
            object_repr=str(obj)[:200],
            action=LogEntry.Action.CREATE,
            changes=_created_changes(obj, fields),
            actor=user,
            actor_email=getattr(user, "email", None) if user is not None else None,
            remote_addr=client_ip(request),
            cid=cid,
        )
        for obj in instances
    ]
    with transaction.atomic():
        LogEntry.objects.bulk_create(entries, batch_size=1000)
        chain_seal(AuditSource.CHANGE, entries)
    return len(entries)


# --- the tamper-evident chain (issue 11) -------------------------------------------------

HEAD_PK = 1


def _change_model() -> type[models.Model]:
    from auditlog.models import LogEntry

    return LogEntry


def source_model(source: str) -> type[models.Model]:
    return AuditEvent if source == AuditSource.EVENT else _change_model()


def _time_field(source: str) -> str:
    return "at" if source == AuditSource.EVENT else "timestamp"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return smart_str(value)


def canonical(obj: models.Model) -> bytes:
    """The row's content as the chain hashes it: every column by name, as the database
    stores it, except links that the database empties by itself (``on_delete=SET_NULL``:
    the acting user, kept by name in the seal instead)."""
    content: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        remote = getattr(field, "remote_field", None)
        if remote is not None and getattr(remote, "on_delete", None) is models.SET_NULL:
            continue
        content[field.attname] = field.get_prep_value(getattr(obj, field.attname))
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
    ).encode("utf-8")


def _actor(source: str, obj: Any) -> str:
    if source == AuditSource.EVENT:
        return str(obj.username or "")
    if obj.actor_id is None:
        return ""
    actor = obj.actor  # set on the entry when it was written
    return str(actor.get_username())[:150] if actor is not None else ""


def link_hash(prev_hash: str, source: str, row_id: int, actor: str, content: bytes) -> str:
    message = b"\x1f".join(
        (prev_hash.encode(), source.encode(), str(row_id).encode(), actor.encode(), content)
    )
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _head_locked() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=HEAD_PK)
        head = AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


def chain_head() -> tuple[int, str]:
    """The chain's last link (sequence, hash), e.g. for the backup log: a copy kept outside
    the database lets auditverify's caller notice rows cut off after it (decision 0012)."""
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    return (head.seq, head.hash) if head is not None else (0, "")


def chain_seal(source: str, rows: Sequence[Any]) -> None:
    """Append ``rows`` (saved, with their keys) to the chain: lock the head, link each row
    to the previous one, move the head. Must run in the rows' own transaction."""
    if not rows:
        return
    with transaction.atomic(savepoint=False):  # no savepoint: the row's transaction
        head = _head_locked()
        seq, prev = head.seq, head.hash
        time_field = _time_field(source)
        seals = []
        for row in rows:
            seq += 1
            actor = _actor(source, row)
            digest = link_hash(prev, source, row.pk, actor, canonical(row))
            seals.append(
                AuditSeal(
                    seq=seq,
                    source=source,
                    row_id=row.pk,
                    at=getattr(row, time_field),
                    actor=actor,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        AuditSeal.objects.bulk_create(seals, batch_size=1000)
        AuditChainHead.objects.filter(pk=HEAD_PK).update(seq=seq, hash=prev)


def chain_seal_unsealed(*, batch_size: int = 1000) -> int:
    """Seal rows written before the chain existed (at the upgrade), oldest first."""
    total = 0
    for source in (AuditSource.EVENT, AuditSource.CHANGE):
        model = source_model(source)
        sealed = AuditSeal.objects.filter(source=source).values("row_id")
        while True:
            with transaction.atomic():
                rows = list(model._base_manager.exclude(pk__in=sealed).order_by("pk")[:batch_size])
                if not rows:
                    break
                chain_seal(source, rows)
                total += len(rows)
    return total


def _change_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        chain_seal(AuditSource.CHANGE, [instance])


def _event_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        chain_seal(AuditSource.EVENT, [instance])


@dataclass(frozen=True)
class Break:
    """The first broken link: where (``seq``, the time of the row), what and which row."""

    seq: int
    at: datetime | None
    kind: str
    source: str = ""
    row_id: int | None = None

    KINDS = {
        "row_changed": "记录被修改",
        "row_deleted": "记录被删除",
        "row_inserted": "记录被插入（无封印）",
        "seal_changed": "封印被修改",
        "seal_missing": "封印缺失（链断开）",
        "head_mismatch": "链尾与链头不符（末尾记录被截断或链头被修改）",
    }

    def describe(self) -> str:
        where = f"第 {self.seq} 环" if self.seq else "链外"
        when = f"，时间 {timezone.localtime(self.at):%Y-%m-%d %H:%M:%S}" if self.at else ""
        row = f"，{AuditSource(self.source).label} #{self.row_id}" if self.source else ""
        return f"{where}{when}：{self.KINDS[self.kind]}{row}"


@dataclass
class ChainReport:
    links: int = 0
    head_seq: int = 0
    head_hash: str = ""
    pruned: int = 0  # rows older than the retention that were removed (their seals stay)
    first_break: Break | None = None


def _seal_batches(batch_size: int) -> Iterator[list[AuditSeal]]:
    last = 0
    while True:
        batch = list(AuditSeal.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walk the chain in order, recomputing each link from its row; report the first break.

    A link whose recomputed hash differs is told apart: if the next link still names the
    recomputed value the row is intact and the seal was edited, otherwise the row changed.
    After the walk, rows that no seal names were inserted behind the chain's back."""
    report = ChainReport()
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    report.head_seq, report.head_hash = (head.seq, head.hash) if head else (0, "")
    retention = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    prev_seq, prev_hash = 0, ""
    pending: tuple[AuditSeal, str] | None = None  # a mismatch waiting for the next link

    def settle(next_prev_hash: str | None) -> Break:
        seal, computed = pending  # type: ignore[misc]
        kind = "seal_changed" if next_prev_hash == computed else "row_changed"
        return Break(seal.seq, seal.at, kind, seal.source, seal.row_id)

    for batch in _seal_batches(batch_size):
        rows = _rows_for(batch)
        for seal in batch:
            if pending is not None:
                report.first_break = settle(seal.prev_hash)
                return report
            if seal.seq != prev_seq + 1 or seal.prev_hash != prev_hash:
                report.first_break = Break(
                    prev_seq + 1, seal.at, "seal_missing", seal.source, seal.row_id
                )
                return report
            row = rows[seal.source].get(seal.row_id)
            if row is None:
                if seal.at < retention:
                    report.pruned += 1
                else:
                    report.first_break = Break(
                        seal.seq, seal.at, "row_deleted", seal.source, seal.row_id
                    )
                    return report
            else:
                computed = link_hash(
                    seal.prev_hash, seal.source, seal.row_id, seal.actor, canonical(row)
                )
                if not hmac.compare_digest(computed, seal.hash):
                    pending = (seal, computed)
                    continue
            prev_seq, prev_hash = seal.seq, seal.hash
            report.links += 1
    if pending is not None:
        report.first_break = settle(report.head_hash)
        return report
    if (report.head_seq, report.head_hash) != (prev_seq, prev_hash):
        report.first_break = Break(report.head_seq, None, "head_mismatch")
        return report
    report.first_break = _unsealed_row()
    return report


def _rows_for(batch: list[AuditSeal]) -> dict[str, dict[int, Any]]:
    rows: dict[str, dict[int, Any]] = {}
    for source in (AuditSource.EVENT, AuditSource.CHANGE):
        ids = [s.row_id for s in batch if s.source == source]
        rows[source] = source_model(source)._base_manager.in_bulk(ids) if ids else {}
    return rows


def _unsealed_row() -> Break | None:
    """A row that no seal names: inserted behind the chain's back."""
    for source in (AuditSource.EVENT, AuditSource.CHANGE):
        model = source_model(source)
        sealed = AuditSeal.objects.filter(source=source).values("row_id")
        stray = model._base_manager.exclude(pk__in=sealed).order_by("pk").first()
        if stray is not None:
            return Break(0, getattr(stray, _time_field(source)), "row_inserted", source, stray.pk)
    return None


# --- retention: no audit row younger than AUDIT_RETENTION_DAYS is deleted -----------------

# Model label -> its time column. AuditEvent and AuditSeal refuse every delete already.
RETAINED = {"auditlog.LogEntry": "timestamp", "axes.AccessLog": "attempt_time"}


def refuse_young_delete(sender: Any, instance: Any, **_: Any) -> None:
    """``pre_delete`` on the retained audit models: any ORM path (a cleanup command,
    axes_reset_logs, auditlogflush, a cascade) that would delete a row younger than
    ``AUDIT_RETENTION_DAYS`` fails, and its transaction with it."""
    field = RETAINED.get(sender._meta.label)
    at = getattr(instance, field, None) if field else None
    limit = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    if at is None or at > limit:
        raise PermissionError(
            f"Audit rows are kept {settings.AUDIT_RETENTION_DAYS} days "
            f"(HONGFAN_AUDIT_RETENTION_DAYS): {sender._meta.label} #{instance.pk} is younger"
        )


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save, pre_delete

    post_save.connect(_event_saved, sender=AuditEvent, dispatch_uid="audit_chain_event")
    post_save.connect(_change_saved, sender=_change_model(), dispatch_uid="audit_chain_change")
    for label in RETAINED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        pre_delete.connect(refuse_young_delete, sender=model, dispatch_uid=f"retain_{label}")


__all__ = [
    "AuditAction",
    "audit_log",
    "chain_seal",
    "chain_verify",
    "client_ip",
    "data_created_many",
]


def chain_export_rows(
    *, since: datetime, until: datetime, batch_size: int = 5000
) -> Iterator[dict[str, Any]]:
    """The sealed audit rows whose time falls in [since, until], in chain order, each with
    its link (seq, prev_hash, hash, actor) and its canonical content: enough for an archive
    to be re-verified with the chain key."""
    last = 0
    while True:
        batch = list(
            AuditSeal.objects.filter(seq__gt=last, at__gte=since, at__lte=until).order_by("seq")[
                :batch_size
            ]
        )
        if not batch:
            return
        rows = _rows_for(batch)
        for seal in batch:
            row = rows[seal.source].get(seal.row_id)
            yield {
                "seq": seal.seq,
                "source": seal.source,
                "row_id": seal.row_id,
                "at": seal.at.isoformat(),
                "actor": seal.actor,
                "prev_hash": seal.prev_hash,
                "hash": seal.hash,
                "content": json.loads(canonical(row)) if row is not None else None,
            }
        last = batch[-1].seq
