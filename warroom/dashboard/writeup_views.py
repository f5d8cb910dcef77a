"""The blog post draft in the dashboard (G12): the Markdown source to copy or download, and how
it reads rendered. Responders only, like every dashboard page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from warroom.dashboard.access import responder_required
from warroom.dashboard.views import incident_or_404
from warroom.lib import markdown
from warroom.lib.errors import DomainError
from warroom.writeups.blog import blog_markdown


@responder_required
@require_GET
def blog_draft(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    try:
        source = blog_markdown(incident)
    except DomainError as exc:  # an organisation's template that cannot be used
        context = {"incident": incident, "error": exc.message}
        return render(request, "dashboard/blog.html", context, status=exc.status)
    if request.GET.get("download"):
        response = HttpResponse(source, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{incident.slug}-blog.md"'
        return response
    context = {"incident": incident, "source": source, "html": markdown.render(source)}
    return render(request, "dashboard/blog.html", context)
