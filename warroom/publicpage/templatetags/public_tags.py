"""Tags of the public pages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def server_url(name: str, *args) -> str:
    """The absolute address of a page only the server answers (subscribe, report): public pages
    are also copied to static hosting (`warroom publish`), where a relative link would lead
    nowhere. Empty when the route does not exist."""
    try:
        return settings.PUBLIC_URL + reverse(name, args=args)
    except NoReverseMatch:
        return ""
