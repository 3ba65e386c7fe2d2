"""core.api: the API's exception handler turns what a service raises into the DRF error
with the same shape everywhere (field keys kept)."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from hongfan.core.api import validation_error
from hongfan.core.models import AuditAction, AuditEvent


def _call(error: Exception):  # type: ignore[no-untyped-def]
    class Raising(APIView):
        authentication_classes: list = []
        permission_classes: list = []

        def post(self, request):  # type: ignore[no-untyped-def]
            raise error

    return Raising.as_view()(APIRequestFactory().post("/api/x/", {}, format="json"))


def test_a_field_error_is_a_400_keyed_by_the_field():
    response = _call(ValidationError({"reason": "驳回须填写理由", "quantity": ["数量必须大于0"]}))
    assert response.status_code == 400
    assert response.data == {"reason": ["驳回须填写理由"], "quantity": ["数量必须大于0"]}


def test_several_messages_of_a_field_stay_together():
    response = _call(ValidationError({"answers": ["第1题未作答", "第2题未作答"]}))
    assert response.data == {"answers": ["第1题未作答", "第2题未作答"]}


def test_a_plain_message_is_a_400_under_detail():
    response = _call(ValidationError("该来源已计过积分"))
    assert response.status_code == 400
    assert response.data == {"detail": ["该来源已计过积分"]}


def test_a_list_of_plain_messages_keeps_every_message():
    response = _call(ValidationError(["甲", ValidationError("乙")]))
    assert response.data == {"detail": ["甲", "乙"]}


def test_a_models_non_field_error_keeps_its_key():
    response = _call(ValidationError({NON_FIELD_ERRORS: ["同一生效日期只能有一个版本"]}))
    assert response.data == {"__all__": ["同一生效日期只能有一个版本"]}


def test_the_conversion_is_what_the_apis_wrote_by_hand():
    # The dialect points and study wrote in every API view before this handler.
    for exc in (ValidationError({"rule": "不存在"}), ValidationError("不行")):
        by_hand = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        assert validation_error(exc).detail == by_hand


@pytest.mark.django_db
def test_permission_denied_and_404_still_answer_in_chinese():
    denied = _call(PermissionDenied("只能审核本支部的申报"))
    assert denied.status_code == 403 and denied.data == {"detail": "只能审核本支部的申报"}
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, detail__path="/api/x/").exists()
    missing = _call(Http404())
    assert missing.status_code == 404 and missing.data == {"detail": "对象不存在"}


def test_other_exceptions_are_not_swallowed():
    with pytest.raises(ZeroDivisionError):
        _call(ZeroDivisionError())
