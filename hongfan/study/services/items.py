"""Writes of study material (学习资料): publishing and withdrawing an item, finishing it
(once per member, with its points), and reading an article to the end.

Finishing an item (once per member and item) awards the hospital's ``STUDY_ITEM`` rule
through ``award_by_code`` with the (item, member) as the source, so it never pays twice; a
hospital without that rule gives no points and the page says so."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.locks import lock_one
from hongfan.core.notify import STUDY, notify
from hongfan.core.uploads import CheckedUpload
from hongfan.org.models import Branch, Hospital, Person
from hongfan.points.models import PointEntry
from hongfan.points.rules import STUDY_ITEM
from hongfan.points.services.awarding import award_by_code
from hongfan.study import validators
from hongfan.study.choices import ItemKind, LogMethod, LogStatus
from hongfan.study.models import StudyCompletion, StudyItem, StudyLog, StudyTopic
from hongfan.study.policy import reads_scoped, writes_scoped
from hongfan.study.selectors.learners import learner_for, learner_users
from hongfan.study.selectors.rules import study_rule_for

TITLE_MAX = 100
SUMMARY_MAX = 200
TOPIC_MAX = 40
MINUTES_MAX = 600  # one entry
READ_SALT = "hongfan.study.read"
READ_TOKEN_MAX_AGE = 12 * 3600  # seconds a page may stay open before its token expires


# --- topics ---------------------------------------------------------------------------------------


def topic_get_or_create(*, hospital: Hospital, name: str) -> StudyTopic:
    """The hospital's topic of this name, created the first time it is used."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"topic": "请填写主题"})
    if len(name) > TOPIC_MAX:
        raise ValidationError({"topic": f"主题不能超过{TOPIC_MAX}个字"})
    topic = StudyTopic.objects.filter(hospital=hospital, name=name).first()
    if topic is not None:
        return topic
    try:
        with transaction.atomic():
            return StudyTopic.objects.create(hospital=hospital, name=name)
    except IntegrityError:  # created meanwhile by another request
        return StudyTopic.objects.get(hospital=hospital, name=name)


# --- publishing ----------------------------------------------------------------------------------


def _publish_scope(access: Access, hospital: Hospital, branch: Branch | None) -> None:
    """Who publishes where: the whole hospital its admin, a branch its secretary or the admin."""
    access.require_business()
    if branch is not None and branch.hospital_id != hospital.pk:
        raise ValidationError({"branch": "支部不属于本院"})
    if not writes_scoped(access, hospital_id=hospital.pk, branch_id=branch.pk if branch else None):
        if branch is None:
            raise PermissionDenied("面向全院的学习资料由医院党委发布")
        raise PermissionDenied("只能向本支部发布学习资料")


def _field_errors(
    errors: dict[str, str],
    *,
    title: str,
    summary: str,
    kind: str,
    expected_minutes: int,
    due_on: date | None,
) -> None:
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"标题不能超过{TITLE_MAX}个字"
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = f"简介不能超过{SUMMARY_MAX}个字"
    if kind not in ItemKind.values:
        errors["kind"] = "请选择资料类型：文章、视频或文档"
    if not isinstance(expected_minutes, int) or not 1 <= expected_minutes <= MINUTES_MAX:
        errors["expected_minutes"] = f"预计学习时长应为1—{MINUTES_MAX}分钟"
    if due_on is not None and due_on < today():
        errors["due_on"] = "完成期限不能早于今天"


@dataclass(frozen=True)
class _Content:
    body: str = ""  # cleaned article HTML
    video_url: str = ""
    document: CheckedUpload | None = None


def _content(
    errors: dict[str, str], *, kind: str, body: str, video_url: str, document: UploadedFile | None
) -> _Content:
    """What the item holds by its kind: an article cleaned with nh3, a video link, or a
    document checked by its bytes."""
    if kind == ItemKind.ARTICLE:
        cleaned = validators.clean_article(body)
        if not validators.visible_text(cleaned):
            errors["body"] = "请填写文章正文"
        elif len(cleaned) > 200_000:
            errors["body"] = "正文过长，请拆分为几篇发布"
        return _Content(body=cleaned)
    if kind == ItemKind.VIDEO:
        url = (video_url or "").strip()
        if msg := validators.video_url_error(url):
            errors["video_url"] = msg
        return _Content(video_url=url)
    if kind == ItemKind.DOCUMENT:
        if document is None:
            errors["document"] = "请上传PDF或Word（.docx）文档"
            return _Content()
        msg, checked = validators.document_check(document)
        if msg:
            errors["document"] = msg
        return _Content(document=checked)
    return _Content()


def _save_item(
    item: StudyItem, checked: CheckedUpload | None, *, access: Access, request: HttpRequest | None
) -> None:
    """Store the document under a name of our own, save the item and audit it; a stored
    document is removed again if anything fails."""
    stored: str | None = None
    try:
        if checked is not None:
            item.document.save(f"{uuid.uuid4().hex}.{checked.kind}", checked.content, save=False)
            stored = item.document.name
            item.document_type = checked.kind
            item.document_size = checked.size
        item.full_clean(exclude=["document", "video_url"])
        item.save()
        audit_log(
            action=AuditAction.DATA_CREATED,
            request=request,
            actor_id=access.user_id,
            target=item,
            kind=item.kind,
            branch=item.branch_id,
            required=item.required,
        )
    except Exception:
        if stored:
            item.document.storage.delete(stored)
        raise


@transaction.atomic
def item_publish(
    *,
    access: Access,
    hospital: Hospital,
    branch: Branch | None,
    topic: str,
    kind: str,
    title: str,
    summary: str = "",
    body: str = "",
    video_url: str = "",
    document: UploadedFile | None = None,
    required: bool = False,
    due_on: date | None = None,
    expected_minutes: int = 20,
    request: HttpRequest | None = None,
) -> StudyItem:
    """Publish study material to the whole hospital (branch None: its admin only) or one
    branch (its secretary or the hospital admin). Articles are cleaned with nh3; documents
    must really be a PDF or DOCX within the size limit and are stored under a name of our
    own, privately (served only through an access-checked view)."""
    _publish_scope(access, hospital, branch)
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    summary = (summary or "").strip()
    _field_errors(
        errors,
        title=title,
        summary=summary,
        kind=kind,
        expected_minutes=expected_minutes,
        due_on=due_on,
    )
    content = _content(errors, kind=kind, body=body, video_url=video_url, document=document)
    try:
        topic_row = topic_get_or_create(hospital=hospital, name=topic)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    item = StudyItem(
        hospital=hospital,
        branch=branch,
        topic=topic_row,
        kind=kind,
        title=title,
        summary=summary,
        body=content.body,
        video_url=content.video_url,
        required=bool(required),
        due_on=due_on,
        expected_minutes=expected_minutes,
        published_by_id=access.user_id,
    )
    _save_item(item, content.document, access=access, request=request)
    if item.required:
        due = f"请于{item.due_on:%m月%d日}前完成学习" if item.due_on else "请及时完成学习"
        notify(
            recipients=learner_users(hospital_id=hospital.pk, branch_id=item.branch_id),
            title=f"必学内容：{item.title}",
            body=f"{due}（约{item.expected_minutes}分钟）",
            link=reverse("study:item", args=[item.pk]),
            category=STUDY,
            key=f"study.item:{item.pk}:published",
        )
    return item


@transaction.atomic
def item_withdraw(
    *, access: Access, item: StudyItem, request: HttpRequest | None = None
) -> StudyItem:
    """Take an item off members' lists; what they studied stays counted."""
    if not writes_scoped(access, hospital_id=item.hospital_id, branch_id=item.branch_id):
        raise access.denied(item.hospital_id, "学习资料", "撤回")
    fresh = lock_one(StudyItem, item.pk)
    if fresh.withdrawn_at is not None:
        raise ValidationError({"item": "该学习资料已撤回"})
    fresh.withdrawn_at = timezone.now()
    fresh.withdrawn_by_id = access.user_id
    fresh.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_log(
        action=AuditAction.DATA_CHANGED, request=request, actor_id=access.user_id, target=fresh
    )
    return fresh


# --- finishing an item and its points --------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    completion: StudyCompletion
    created: bool  # False: the item was already finished
    message: str  # what happened (points included), in Chinese


def _award_item(
    access: Access | None, person: Person, item: StudyItem, day: date
) -> tuple[PointEntry | None, str]:
    try:
        result = award_by_code(
            access=access,
            person=person,
            code=STUDY_ITEM,
            occurred_on=day,
            source_type="study",
            source_id=f"{item.pk}-{person.pk}",
            reason=f"完成学习：{item.title}"[:200],
        )
    except ValidationError as exc:
        return None, "本次不计积分：" + "；".join(exc.messages)
    if result is None:
        return None, f"本院未启用“完成一项学习内容”积分规则（{STUDY_ITEM}），本次不计积分"
    return result.entry, result.message


def item_finish(
    *,
    access: Access | None,
    person: Person,
    item: StudyItem,
    method: str,
    log: StudyLog | None,
    day: date,
) -> Finished:
    """Record that a member finished an item (once) and award its points. ``access`` is
    the confirming manager's (None when the member finished it themself by reading)."""
    existing = StudyCompletion.objects.filter(person=person, item=item).first()
    if existing is not None:
        return Finished(existing, False, "该学习内容此前已完成")
    try:
        with transaction.atomic():
            completion = StudyCompletion.objects.create(
                hospital_id=person.hospital_id,
                person=person,
                item=item,
                method=method,
                log=log,
                completed_on=day,
            )
    except IntegrityError:
        return Finished(
            StudyCompletion.objects.get(person=person, item=item), False, "该学习内容此前已完成"
        )
    entry, note = _award_item(access, person, item, day)
    completion.points_entry = entry
    completion.points_note = note[:200]
    completion.save(update_fields=["points_entry", "points_note"])
    return Finished(completion, True, f"已完成“{item.title}”；{note}")


# --- reading an article to the end ---------------------------------------------------------------


def read_token(*, item_id: int, person_id: int, opened_at: float | None = None) -> str:
    """A signed note of when a member opened an article: the page hands it back when the
    reader reaches the end, and the server checks the time spent."""
    opened = time.time() if opened_at is None else opened_at
    return signing.dumps({"i": item_id, "p": person_id, "t": round(opened, 3)}, salt=READ_SALT)


def read_min_seconds(item: StudyItem) -> int:
    """The least time on the page that counts as reading: the rule's minimum (60 s by
    default), or the item's expected minutes if shorter."""
    rule = study_rule_for(item.hospital.authority_id)
    return min(rule.read_min_seconds, item.expected_minutes * 60)


@transaction.atomic
def read_complete(
    *,
    access: Access,
    item: StudyItem,
    token: str,
    now: float | None = None,
    request: HttpRequest | None = None,
) -> Finished:
    """The reader reached the end of an article. Refused (nothing stored) when the token
    is forged, stale or another's, or when less than the minimum time has passed since the
    page was opened (a bot posting at once). Counts the time read (at most the expected
    minutes) as confirmed self-study and finishes the item."""
    person = learner_for(access)
    if not reads_scoped(access, hospital_id=item.hospital_id, branch_id=item.branch_id) or not (
        item.hospital_id == person.hospital_id
        and (item.branch_id is None or item.branch_id == person.branch_id)
    ):
        raise access.denied(item.hospital_id, "学习资料")
    if item.withdrawn_at is not None:
        raise ValidationError({"item": "该学习资料已撤回"})
    if item.kind != ItemKind.ARTICLE:
        raise ValidationError({"item": "只有文章可以通过读完全文记为完成，请登记学习时长"})
    try:
        data = signing.loads(token or "", salt=READ_SALT, max_age=READ_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"token": "页面打开时间过长，请刷新页面后重新阅读"}) from None
    except signing.BadSignature:
        raise ValidationError({"token": "阅读凭证无效，请刷新页面后重新阅读"}) from None
    if not isinstance(data, dict) or data.get("i") != item.pk or data.get("p") != person.pk:
        raise ValidationError({"token": "阅读凭证与当前资料不符，请刷新页面后重新阅读"})
    elapsed = (time.time() if now is None else now) - float(data.get("t", 0))
    if elapsed > READ_TOKEN_MAX_AGE:
        raise ValidationError({"token": "页面打开时间过长，请刷新页面后重新阅读"})
    minimum = read_min_seconds(item)
    if elapsed < minimum:
        raise ValidationError(
            {
                "token": f"阅读时间不足：至少需要阅读{minimum}秒（本次{max(0, int(elapsed))}秒），请认真阅读全文"
            }
        )
    done = finish_by_player(
        person, item, method=LogMethod.READ, access=access, request=request, seconds=elapsed
    )
    if not done.created:
        return done
    return Finished(
        done.completion,
        True,
        f"已读完全文，计入学习时长{credited_minutes(item)}分钟。{done.message}",
    )


def credited_minutes(item: StudyItem) -> int:
    """The study time an item credits when it is read or watched to its end: the time the
    item states ("约N分钟"), one value shown and counted."""
    return item.expected_minutes


def finish_by_player(
    person: Person,
    item: StudyItem,
    *,
    method: str,
    access: Access,
    request: HttpRequest | None,
    seconds: float,
) -> Finished:
    """Record that the page saw an item read or watched to its end: a confirmed entry of
    the item's stated minutes and the item finished, once. The member's row is locked
    first, so that a double click or two tabs wait for each other (PostgreSQL); the
    database's ``study_log_finished_once`` is the last word."""
    lock_one(Person, person.pk)
    existing = StudyCompletion.objects.filter(person=person, item=item).first()
    if existing is not None:
        return Finished(existing, False, "该学习内容此前已完成")
    minutes = credited_minutes(item)
    day = today()
    try:
        with transaction.atomic():
            log = StudyLog.objects.create(
                hospital_id=person.hospital_id,
                person=person,
                item=item,
                method=method,
                status=LogStatus.CONFIRMED,
                minutes=minutes,
                studied_on=day,
                decided_at=timezone.now(),
            )
    except IntegrityError:
        return Finished(
            StudyCompletion.objects.get(person=person, item=item), False, "该学习内容此前已完成"
        )
    done = item_finish(access=None, person=person, item=item, method=method, log=log, day=day)
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=log,
        method=method,
        minutes=minutes,
        seconds=int(seconds),
    )
    return done
