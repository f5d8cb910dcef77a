"""What an incident leaves behind: the `outage` issue in GitLab or GitHub (G9), and the incident
record as a file (Markdown, HTML, or JSON that imports back without loss)."""
