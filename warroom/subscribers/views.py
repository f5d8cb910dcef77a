"""The public subscription pages: subscribe (rate-limited per client address), confirm an e-mail
address, unsubscribe (also the one-click POST of mail clients, RFC 8058). No login: the
unguessable tokens in the links are the keys. None of these pages is cached; the answer to a
webhook subscription holds its signing secret."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from warroom.impact.models import Component
from warroom.lib import ratelimit
from warroom.lib.errors import Invalid, NotFound
from warroom.subscribers import services
from warroom.subscribers.models import Subscriber

# Attempts per client address: (limit, per seconds). Each POST counts in every window.
SUBSCRIBE_LIMITS = ((5, 60), (30, 3600))
MAX_ADDRESS = 500  # the column's size
# The service's own message may name the address a host resolves to: fine for a responder, but
# the public form must not become a window on our DNS.
UNUSABLE_WEBHOOK = (
    "This webhook URL cannot be used: it must be an http(s) URL on the public internet, "
    "without a user name or password."
)


def _form(
    request: HttpRequest, address: str, error: str = "", status: int = 200, chosen=()
) -> HttpResponse:
    context = {
        "address": address,
        "error": error,
        "components": Component.objects.all(),
        "chosen": set(chosen),
    }
    return render(request, "subscribers/subscribe.html", context, status=status)


def _too_many(request: HttpRequest, windows: list[int]) -> HttpResponse:
    response = render(request, "subscribers/too_many.html", status=429)
    response["Retry-After"] = str(max(ratelimit.retry_after(per) for per in windows))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # ?address= comes from the small form on the cached public pages, which cannot carry a
        # CSRF token; the visitor confirms here.
        return _form(request, request.GET.get("address", "").strip()[:MAX_ADDRESS])
    client = ratelimit.client_key(request)
    refused = [
        per
        for limit, per in SUBSCRIBE_LIMITS
        if not ratelimit.hit(f"subscribe:{client}", limit=limit, per_seconds=per)
    ]
    if refused:
        return _too_many(request, refused)
    address = request.POST.get("address", "").strip()
    chosen = request.POST.getlist("component")[:100]
    if len(address) > MAX_ADDRESS:
        error = (
            f"That is {len(address)} characters long; an address may have at most {MAX_ADDRESS}."
        )
        return _form(request, address, error, status=422, chosen=chosen)
    started = timezone.now()
    try:
        subscriber = services.subscribe(address=address, components=chosen)
    except Invalid as exc:
        webhook = services.kind_of(address) == Subscriber.Kind.WEBHOOK
        error = UNUSABLE_WEBHOOK if webhook else exc.message
        return _form(request, address, error, status=422, chosen=chosen)
    return _subscribed(request, subscriber, new=_created_since(subscriber, started))


def _created_since(subscriber: Subscriber, started: datetime) -> bool:
    # The service answers the same for a new and a known address; only the webhook page needs
    # to know, because a webhook's secret and unsubscribe link may be shown once only.
    return subscriber.created_at >= started


def _subscribed(request: HttpRequest, subscriber: Subscriber, *, new: bool) -> HttpResponse:
    context: dict[str, object] = {"address": subscriber.address}
    if subscriber.kind == Subscriber.Kind.EMAIL:
        return render(request, "subscribers/check_inbox.html", context)
    if new:
        path = reverse("subscribers:unsubscribe", args=[subscriber.unsubscribe_token])
        context |= {"secret": subscriber.secret, "unsubscribe_url": settings.PUBLIC_URL + path}
    return render(request, "subscribers/webhook_subscribed.html", context)


@never_cache
@require_safe
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.confirm(token)
    except NotFound:
        return render(request, "subscribers/bad_link.html", status=404)
    path = reverse("subscribers:unsubscribe", args=[subscriber.unsubscribe_token])
    context = {"address": subscriber.address, "unsubscribe_path": path}
    return render(request, "subscribers/confirmed.html", context)


# Mail clients unsubscribe with a bare POST of "List-Unsubscribe=One-Click" (RFC 8058), which
# cannot carry our CSRF token, so the POST is exempt. That is safe: the unguessable token in the
# URL is the key, and a forged POST could do only what its holder may do anyway. GET is never
# checked for CSRF, so exempting this view exempts exactly the POST; GET changes nothing.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            address: str | None = services.unsubscribe(token)
        except NotFound:  # unsubscribed before: a second click succeeds just the same
            address = None
        return render(request, "subscribers/unsubscribed.html", {"address": address})
    subscriber = Subscriber.objects.filter(unsubscribe_token=token).first()
    if subscriber is None:
        return render(request, "subscribers/unsubscribed.html", {"address": None}, status=404)
    return render(request, "subscribers/unsubscribe.html", {"address": subscriber.address})
