"""The projection's memos (warroom/publicpage/memos.py): a public view after a change re-reads
only what changed, yet never shows a state older than the database's, and never keeps what it
read inside a transaction that may roll back.

These tests run in autocommit (transaction=True), as public views do: inside the usual test
transaction the memos keep nothing."""

from __future__ import annotations

import pytest
from conftest import client_for
from django.db import transaction

from warroom.flows.entries import edit_entry, settle_hypothesis
from warroom.flows.roles import assign_role
from warroom.impact.models import Component
from warroom.impact.services import assess
from warroom.projection import memos
from warroom.projection.incident import public_incident
from warroom.testing.factories import make_entry, make_incident, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _texts(incident) -> list[str]:
    return [e["text"] for e in public_incident(incident)["entries"]]


def test_each_public_change_shows_in_the_next_projection(responder):
    incident = make_incident(by=responder)
    first = make_entry(incident, "Replication lag is 40 s.")
    assert _texts(incident)[0] == "Replication lag is 40 s."

    make_entry(incident, "Replica db3 is catching up.")
    assert _texts(incident)[:2] == ["Replica db3 is catching up.", "Replication lag is 40 s."]

    edit_entry(entry=first, by=responder, body="Replication lag peaked at 45 s.")
    assert "Replication lag peaked at 45 s." in _texts(incident)

    edit_entry(entry=first, by=responder, visibility="internal")
    assert "Replication lag peaked at 45 s." not in _texts(incident)

    guess = make_entry(incident, "A slow disk on db2.", kind="hypothesis")
    settle_hypothesis(entry=guess, state="refuted", by=responder)
    (shown,) = [e for e in public_incident(incident)["entries"] if e["id"] == guess.pk]
    assert shown["hypothesis_state"] == "refuted"


def test_an_instance_loaded_before_a_change_still_projects_the_change(responder):
    incident = make_incident(by=responder)
    stale = type(incident).objects.get(pk=incident.pk)
    public_incident(stale)
    make_entry(incident, "Failover to db3 started.")
    assert _texts(stale)[0] == "Failover to db3 started."


def test_a_new_name_in_one_entry_changes_its_stand_in_everywhere(responder):
    """Naming someone adds a stand-in to the incident's redaction context: every entry is
    redacted again under it, none is served from the memo of the old context."""
    incident = make_incident(by=responder)
    make_user("priya", name="Priya Raman")
    make_entry(incident, "Priya Raman restarted db2.")
    before = _texts(incident)[0]
    make_entry(incident, "Restart confirmed.")
    assert "Priya" not in before and _texts(incident)[1] == before


def test_what_was_read_inside_a_rolled_back_transaction_is_not_kept(responder):
    """After a rollback, the next entry may get the same id and revision (SQLite): it must not
    be shown with the text of the entry that never was."""
    incident = make_incident(by=responder)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_entry(incident, "This update was never sent.")
        assert _texts(incident)[0] == "This update was never sent."  # projected inside
        raise RuntimeError("rolled back")
    make_entry(incident, "Failover complete.")
    texts = _texts(incident)
    assert texts[0] == "Failover complete." and "This update was never sent." not in texts


def test_renaming_a_component_in_the_admin_shows_on_the_incidents_that_assessed_it(
    owner, responder
):
    component = Component.objects.create(slug="ci-runners", name="CI runners")
    incident = make_incident(by=responder)
    assess(incident=incident, by=responder, components={"ci-runners": "major_outage"})
    assert public_incident(incident)["impact"]["components"][0]["name"] == "CI runners"
    before = type(incident).objects.get(pk=incident.pk).updated_at

    form = {"name": "Build runners", "slug": "ci-runners", "description": "", "position": 0}
    response = client_for(owner).post(f"/admin/impact/component/{component.pk}/change/", form)
    assert response.status_code == 302, response.content[:500]

    incident.refresh_from_db()
    assert incident.updated_at > before  # the static copy renders its page again
    assert public_incident(incident)["impact"]["components"][0]["name"] == "Build runners"
    summary = client_for().get("/api/v2/summary.json").json()
    assert summary["incidents"][0]["components"][0]["name"] == "Build runners"


def test_a_new_role_counts_as_a_public_change(responder):
    incident = make_incident(by=responder)
    before = type(incident).objects.get(pk=incident.pk).updated_at
    make_user("kofi", name="Kofi Mensah")
    assign_role(incident=incident, role="commander", username="kofi", by=responder)
    incident.refresh_from_db()
    assert incident.updated_at > before


def test_a_memo_forgets_the_least_recently_used_by_weight():
    memo = memos.Memo(10, weigh=len)
    memo.put("a", "xxxxx")
    memo.put("b", "xxxxx")
    assert memo.peek("a") == "xxxxx"  # now the most recently used
    memo.put("c", "xxx")
    assert memo.peek("b") is None and memo.peek("a") and memo.peek("c")
    memo.put("c", "x" * 20)  # heavier than the whole memo: kept alone
    assert memo.peek("a") is None and memo.peek("c")
