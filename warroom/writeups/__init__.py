"""Write-ups made from an incident's record: the blog post draft (public record only) and the
support briefing (internal), rendered from Jinja2 templates an organisation can replace."""
