from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema

WritableKind = Literal["event", "finding", "hypothesis", "action"]


class EntryIn(Schema):
    body: str
    kind: WritableKind = "event"
    visibility: Literal["public", "internal"] = "public"
    occurred_at: datetime | None = None


class EntryEdit(Schema):
    body: str | None = None
    visibility: Literal["public", "internal"] | None = None
    occurred_at: datetime | None = None


class HypothesisIn(Schema):
    state: Literal["confirmed", "refuted", "open"]
    note: str = ""


class EntryOut(Schema):
    id: int
    kind: str
    visibility: str
    author: str | None
    occurred_at: datetime
    recorded_at: datetime
    body: str
    hypothesis_state: str
    revision: int


class RevisionOut(Schema):
    number: int
    body: str
    kind: str
    visibility: str
    hypothesis_state: str
    occurred_at: datetime
    edited_by: str | None
    edited_at: datetime
