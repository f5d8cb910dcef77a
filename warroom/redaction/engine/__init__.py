"""The redactor (G5): no person's name, handle, e-mail or phone number reaches anything public.
Pure Python, no Django: the incident's context comes in as plain data.

    from warroom.redaction.engine import Context, Person, Redactor
    redactor = Redactor(Context(people=[Person("achen", "Alice Chen", "alice@example.com")]))
    redactor.redact("Alice restarted db1").text   # 'Engineer 1 restarted db1'
"""

from warroom.redaction.engine.people import Context, Person
from warroom.redaction.engine.redactor import (
    EMAIL,
    HANDLE,
    PERSON,
    PHONE,
    Redaction,
    Redactor,
    Span,
)

__all__ = [
    "EMAIL",
    "HANDLE",
    "PERSON",
    "PHONE",
    "Context",
    "Person",
    "Redaction",
    "Redactor",
    "Span",
]
