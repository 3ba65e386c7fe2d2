from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.forms import form_save
from hongfan.core.notify import is_local_path
from hongfan.notices import selectors, services
from hongfan.notices.forms import PreferencesForm

PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.notification_list(access=request_access(request)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/inbox.html",
        {"page": page, "unread": selectors.unread_count(user_id=request.user.pk)},
    )


def _local(link: str, request: HttpRequest) -> bool:
    """Only a path of this site is followed after marking read: never an open redirect."""
    return is_local_path(link) and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(access=request_access(request), pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if _local(notification.link, request):
        return redirect(notification.link)
    return redirect("notices:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"已将{count}条消息标为已读")
    return redirect("notices:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """消息设置: per category, which messages come by SMS or WeChat (the inbox always)."""
    table = selectors.preference_table(access=request_access(request))
    form = PreferencesForm(request.POST if request.method == "POST" else None, table=table)
    saved, _ = form_save(
        request,
        form,
        lambda data: services.preferences_save(
            user=request.user, levels=form.levels(), request=request
        ),
        success="消息设置已保存",
    )
    if saved:
        return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})
