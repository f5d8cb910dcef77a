"""The one NinjaAPI: authentication, error → status mapping, and a router per app."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from warroom.accounts.auth import TokenAuth
from warroom.api.accounts import router as accounts
from warroom.api.exports import router as exports
from warroom.api.impact import router as impact
from warroom.api.incidents import router as incidents
from warroom.api.metrics import router as metrics
from warroom.api.playbooks import router as playbooks
from warroom.api.postmortem import router as postmortem
from warroom.api.redaction import router as redaction
from warroom.api.reports import router as reports
from warroom.api.subscribers import router as subscribers
from warroom.api.timeline import router as timeline
from warroom.api.writeups import router as writeups
from warroom.lib.errors import DomainError

api = NinjaAPI(
    title="warroom",
    version="1",
    description="Incident communications: declare, write the timeline, change status, assign roles.",
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    response = api.create_response(
        request,
        {
            "detail": "missing or invalid API token; send 'Authorization: Bearer TOKEN' "
            "(create one with `warroom token create USER`)"
        },
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _where(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError):
    problems = "; ".join(
        f"{_where(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors
    )
    return api.create_response(
        request,
        {
            "detail": f"invalid request: {problems}",
            "errors": [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors
            ],
        },
        status=422,
    )


api.add_router("", accounts)
# Before incidents: its /incidents/{slug} would take POST /incidents/import (405).
api.add_router("/incidents", exports)
api.add_router("/incidents", incidents)
api.add_router("/incidents", timeline)
api.add_router("/incidents", redaction)
api.add_router("/incidents", postmortem)
api.add_router("", playbooks)
api.add_router("", subscribers)
api.add_router("", reports)
api.add_router("", impact)
api.add_router("", metrics)
api.add_router("/incidents", writeups)

