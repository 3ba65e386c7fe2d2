"""The sign-up / check-in panel of an activity's page (``partials/_activity_signups.html``):
the activities part's page includes the partial, which asks this tag for what the acting
user sees (shifts with places left, their own sign-up and waitlist place, links for the
lead and the organiser)."""

from __future__ import annotations

from typing import Any

from django import template

from hongfan.core.access import Access, request_access
from hongfan.service.models import Activity
from hongfan.service.selectors.signup import SignupPanel, signup_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def activity_signups(context: Any, activity: Activity, access: Access | None = None) -> SignupPanel:
    """``{% activity_signups activity access as panel %}``."""
    access = access or request_access(context["request"])
    return signup_panel(access=access, activity=activity)
