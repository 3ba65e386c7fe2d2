"""Watching a video (观看进度): the item page's player reports the seconds watched."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.forms import error_text
from hongfan.study.selectors import items as item_selectors
from hongfan.study.services import videos as video_services


@login_required
@require_POST
def item_watch(request: HttpRequest, pk: int) -> JsonResponse:
    """``watched``: seconds played on the page so far; ``duration``: the video's length."""
    access = request_access(request)
    obj = item_selectors.item_get(access=access, pk=pk)
    try:
        done = video_services.video_watch(
            access=access,
            item=obj,
            watched=request.POST.get("watched", ""),
            duration=request.POST.get("duration") or None,
            request=request,
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "detail": error_text(exc)}, status=400)
    data = {
        "ok": True,
        "percent": done.percent,
        "finished": done.completed,
        "message": done.message,
    }
    if done.finished is not None:
        data["progress"] = render_to_string(
            "study/partials/_my_item.html",
            {"progress": item_selectors.my_item_progress(access=access, item=obj)},
            request=request,
        )
    return JsonResponse(data)
