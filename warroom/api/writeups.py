"""REST for responders: the blog post draft and the support briefing of an incident, as Markdown."""

from __future__ import annotations

from ninja import Router, Schema

from warroom.incidents.services import get_incident
from warroom.writeups.blog import blog_markdown
from warroom.writeups.briefing import briefing_markdown

router = Router(tags=["write-ups"])


class MarkdownOut(Schema):
    markdown: str


@router.get(
    "/{slug}/blog",
    response=MarkdownOut,
    summary="The blog post draft, from the public record only (G12)",
)
def blog(request, slug: str):
    return {"markdown": blog_markdown(get_incident(slug))}


@router.get(
    "/{slug}/briefing",
    response=MarkdownOut,
    summary="The support briefing: internal, it names the affected customers (G15)",
)
def briefing(request, slug: str):
    return {"markdown": briefing_markdown(get_incident(slug))}
