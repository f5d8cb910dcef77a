"""Redaction (G5): the pure-Python redactor (`engine/`), and what it remembers per incident: who
stands in for whom, and the responders' corrections (`models.py`, `services.py`)."""
