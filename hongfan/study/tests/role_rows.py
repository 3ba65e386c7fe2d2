"""The study app's rows of the role matrix (hongfan/tests/test_role_matrix.py merges
them into its table): every study URL × every demo role. Targets and payloads are in
``matrix.py``."""

from __future__ import annotations

from hongfan.core.testing.role_matrix import (
    CREATED,
    DONE,
    FORBIDDEN,
    LOGIN,
    MISSING,
    OK,
    Row,
    roles,
)
from hongfan.study.tests import matrix as m

DENIED = {LOGIN, FORBIDDEN, MISSING}


ITEM = lambda t: [m.study_item(t).pk]  # noqa: E731
EXAM = lambda t: [m.study_exam(t).pk]  # noqa: E731
ATTEMPT = lambda t: [m.study_attempt(t).pk]  # noqa: E731
LEARNERS = roles(FORBIDDEN, hosp=OK, sec=OK, member=OK)  # hosp's person is a member
MANAGERS = roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=OK)
READ_ITEM = roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING)
API_LEARNERS = {**LEARNERS, "anonymous": FORBIDDEN}

TABLE: dict[str, Row] = {
    "study:mine": Row(get=LEARNERS),
    "study:items": Row(get=MANAGERS),
    "study:item_new": Row(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=OK),
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=OK),  # hosp2: not its branch
        payload=m.item_new_payload,
    ),
    "study:item": Row(get=READ_ITEM, args=ITEM),
    "study:item_read": Row(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, member=DONE, hosp2=MISSING),
        payload=m.read_payload,
        args=lambda t: [m.read_item(t).pk],
    ),
    "study:item_document": Row(get=READ_ITEM, args=lambda t: [m.study_document(t).pk]),
    "study:log_new": Row(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, member=DONE, hosp2=MISSING),
        payload=m.log_payload,
        args=lambda t: [m.log_item(t).pk],
    ),
    "study:item_watch": Row(
        post=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        payload=lambda t: {"watched": "0", "duration": "600"},
        args=lambda t: [m.video_item(t).pk],
    ),
    "study:board": Row(get=LEARNERS),
    "study:item_withdraw": Row(
        post=roles(FORBIDDEN, hosp=DONE, hosp2=MISSING), payload=lambda t: {}, args=ITEM
    ),
    "study:review": Row(get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=OK)),
    "study:log_decide": Row(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING),
        payload=lambda t: {"action": "confirm"},
        args=lambda t: [m.study_log(t).pk],
    ),
    "study:hours": Row(get=MANAGERS),
    "study:hours_export": Row(get=MANAGERS),
    "study:rules": Row(
        get=roles(FORBIDDEN, city=OK), post=roles(FORBIDDEN, city=DONE), payload=m.rules_payload
    ),
    "study:questions": Row(get=roles(FORBIDDEN, city=OK, hosp=OK, hosp2=OK)),
    "study:question_import": Row(
        get=roles(FORBIDDEN, hosp=OK, hosp2=OK),
        post=roles(FORBIDDEN, hosp=DONE, hosp2=DONE),  # each into their own bank
        payload=m.question_import_payload,
    ),
    "study:question_template": Row(get=roles(FORBIDDEN, city=OK, hosp=OK, hosp2=OK)),
    "study:exams": Row(get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=OK)),
    "study:exam_new": Row(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=OK),
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=OK),  # hosp2: not its branch
        payload=m.exam_new_payload,
    ),
    "study:exam": Row(get=READ_ITEM, args=EXAM),
    "study:exam_start": Row(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, member=DONE, hosp2=MISSING),
        payload=lambda t: {},
        args=EXAM,
    ),
    "study:exam_stats": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING), args=EXAM
    ),
    "study:attempt": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING), args=ATTEMPT
    ),
    "study:attempt_answer": Row(
        post=roles(FORBIDDEN, member=OK, hosp2=MISSING), payload=m.answer_payload, args=ATTEMPT
    ),
    "study:attempt_submit": Row(
        post=roles(FORBIDDEN, member=DONE, hosp2=MISSING), payload=lambda t: {}, args=ATTEMPT
    ),
    # --- API (DRF answers an anonymous caller with 403)
    "api-study-items": Row(get=API_LEARNERS),
    "api-study-log": Row(
        get=API_LEARNERS,
        post={**API_LEARNERS, "hosp": CREATED, "sec": CREATED, "member": CREATED},
        payload=m.api_log_payload,
    ),
    "api-study-exams": Row(get=API_LEARNERS),
    "api-study-exam-start": Row(
        post={
            **roles(FORBIDDEN, hosp=CREATED, sec=CREATED, member=CREATED, hosp2=MISSING),
            "anonymous": FORBIDDEN,
        },
        payload=lambda t: {},
        args=EXAM,
    ),
    "api-study-attempt-answer": Row(
        post={**roles(FORBIDDEN, member=OK, hosp2=MISSING), "anonymous": FORBIDDEN},
        payload=m.api_answer_payload,
        args=ATTEMPT,
    ),
    "api-study-attempt-submit": Row(
        post={**roles(FORBIDDEN, member=OK, hosp2=MISSING), "anonymous": FORBIDDEN},
        payload=lambda t: {},
        args=ATTEMPT,
    ),
}
