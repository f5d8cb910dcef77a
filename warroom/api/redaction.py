"""REST: an incident's stand-ins and redaction corrections (internal, responders only)."""

from __future__ import annotations

from typing import Literal

from ninja import Router, Schema
from ninja.responses import Status as Reply

from warroom.incidents.services import get_incident
from warroom.redaction import services

router = Router(tags=["redaction"])


class CorrectionIn(Schema):
    text: str
    kind: Literal["not_a_name", "name"]


class CorrectionOut(Schema):
    id: int
    text: str
    kind: str


class PseudonymOut(Schema):
    key: str
    person: str
    standin: str


class RedactionOut(Schema):
    pseudonyms: list[PseudonymOut]
    corrections: list[CorrectionOut]


def _state(incident) -> dict:
    return {
        "pseudonyms": services.mapping(incident),
        "corrections": list(incident.corrections.values("id", "text", "kind")),
    }


@router.get("/{slug}/redaction", response=RedactionOut, summary="Stand-ins and corrections")
def redaction(request, slug: str):
    return _state(get_incident(slug))


@router.post(
    "/{slug}/redaction/corrections", response={201: CorrectionOut}, summary="Correct the redactor"
)
def add_correction(request, slug: str, payload: CorrectionIn):
    correction = services.add_correction(
        incident=get_incident(slug), text=payload.text, kind=payload.kind, by=request.auth
    )
    return Reply(201, {"id": correction.pk, "text": correction.text, "kind": correction.kind})


@router.delete(
    "/{slug}/redaction/corrections/{correction_id}",
    response={204: None},
    summary="Undo a correction",
)
def remove_correction(request, slug: str, correction_id: int):
    services.remove_correction(
        incident=get_incident(slug), correction_id=correction_id, by=request.auth
    )
    return Reply(204, None)
