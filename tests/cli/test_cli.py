"""The real `warroom` command against a real `warroom serve` process."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import click
import pytest

from warroom.cli.times import parse_at
from warroom.testing.server import WARROOM

NOW = datetime(2026, 11, 29, 14, 30, tzinfo=UTC)


class TestParseAt:
    def test_full_iso_time_with_z(self):
        assert parse_at("2026-11-29T14:02Z") == datetime(2026, 11, 29, 14, 2, tzinfo=UTC)

    def test_offset_is_converted_to_utc(self):
        assert parse_at("2026-11-29T15:02+01:00") == datetime(2026, 11, 29, 14, 2, tzinfo=UTC)

    def test_clock_time_is_today_on_the_local_clock(self, monkeypatch):
        monkeypatch.setenv("TZ", "UTC")
        assert parse_at("14:02", now=NOW) == datetime(2026, 11, 29, 14, 2, tzinfo=UTC)

    def test_clock_time_later_than_now_means_yesterday(self, monkeypatch):
        monkeypatch.setenv("TZ", "UTC")
        assert parse_at("23:50", now=NOW) == datetime(2026, 11, 28, 23, 50, tzinfo=UTC)

    @pytest.mark.parametrize("value", ["25:00", "14:61", "yesterday", "2026-11-29T14:02", "14h02"])
    def test_bad_times_say_how_to_write_them(self, value):
        with pytest.raises(click.BadParameter):
            parse_at(value)


def _ok(result):
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.server
class TestAgainstServer:
    def test_declare_json_has_the_contract_keys(self, server):
        out = _ok(
            server.cli(
                "declare", "Database replication lag on primary", "--severity", "S1", "--json"
            )
        )
        data = json.loads(out)
        assert set(data) == {"slug", "public_url", "war_room_url", "status", "severity"}
        assert data["public_url"] == f"{server.url}/incidents/{data['slug']}/"
        assert (data["status"], data["severity"]) == ("investigating", "S1")

    def test_declare_prints_slug_and_both_urls(self, server):
        lines = _ok(server.cli("declare", "Web UI 502", "--severity", "s2")).splitlines()
        assert lines[0].startswith("20") and lines[0].endswith("web-ui-502")
        assert "/incidents/" in lines[1] and "meet.jit.si" in lines[2]

    def test_a_whole_incident_through_the_cli(self, server):
        slug = json.loads(
            _ok(server.cli("declare", "CI runners stuck", "--severity", "S2", "--json"))
        )["slug"]
        _ok(
            server.cli(
                "note",
                slug,
                "Queue depth 4,000 jobs",
                "--kind",
                "finding",
                "--at",
                "2026-11-29T10:02Z",
            )
        )
        _ok(server.cli("note", slug, "Customer ACME escalated", "--internal"))
        out = _ok(
            server.cli("note", slug, "Maybe the autoscaler", "--kind", "hypothesis", "--json")
        )
        hypothesis_id = json.loads(out)["id"]
        _ok(
            server.cli(
                "hypothesis", slug, str(hypothesis_id), "confirmed", "--note", "Scaler at max"
            )
        )
        _ok(server.cli("role", slug, "communications", "alice"))
        _ok(server.cli("status", slug, "identified", "--message", "The autoscaler hit its limit."))

        internal = json.loads(_ok(server.cli("show", slug, "--json")))
        assert internal["status"] == "identified"
        assert [r["role"] for r in internal["roles"]] == ["communications"]
        bodies = [e["body"] for e in internal["timeline"]]
        assert "Customer ACME escalated" in bodies

        public_text = _ok(server.cli("show", slug, "--public"))
        assert "Queue depth 4,000 jobs" in public_text
        assert "Confirmed: Maybe the autoscaler" in public_text
        assert "ACME" not in public_text
        public = json.loads(_ok(server.cli("show", slug, "--public", "--json")))
        assert "ACME" not in json.dumps(public)
        assert internal["war_room_url"] not in json.dumps(public)

        listed = _ok(server.cli("list", "--open"))
        assert slug in listed
        _ok(server.cli("resolve", slug, "--message", "Runners are back."))
        assert slug not in _ok(server.cli("list", "--open"))
        assert any(i["slug"] == slug for i in json.loads(_ok(server.cli("list", "--json"))))

    @pytest.mark.parametrize(
        "args, message",
        [
            (["declare", "x", "--severity", "S9"], "'S9' is not one of"),
            (["declare", " ", "--severity", "S1"], "title is empty"),
            (["note", "no-such-incident", "text"], "no incident 'no-such-incident'"),
            (["note", "x", "text", "--at", "25:99"], "not a time of day"),
            (["status", "x", "fixed", "-m", "m"], "'fixed' is not one of"),
            (["role", "no-such-incident", "commander", "alice"], "no incident"),
            (["declare", "x", "--severity", "S1", "--frobnicate"], "No such option"),
        ],
    )
    def test_bad_input_is_one_clear_line_and_a_nonzero_exit(self, server, args, message):
        result = server.cli(*args)
        assert result.returncode != 0
        assert message in result.stderr
        assert "Traceback" not in result.stderr

    def test_unknown_user_for_a_role(self, server):
        slug = json.loads(
            _ok(server.cli("declare", "Registry slow", "--severity", "S3", "--json"))
        )["slug"]
        result = server.cli("role", slug, "commander", "nobody")
        assert result.returncode == 1
        assert "no person 'nobody' on the roster" in result.stderr

    def test_wrong_token_and_unreachable_server(self, server):
        bad = {**server.env, "WARROOM_TOKEN": "wr_wrong"}
        result = _run_with_env(server, bad, "list")
        assert result.returncode == 1 and "invalid API token" in result.stderr
        down = {**server.env, "WARROOM_URL": "http://127.0.0.1:9"}
        result = _run_with_env(server, down, "list")
        assert result.returncode == 1 and "cannot reach warroom" in result.stderr

    def test_login_checks_and_saves_the_token(self, server):
        env = {k: v for k, v in server.env.items() if k not in ("WARROOM_URL", "WARROOM_TOKEN")}
        result = _run_with_env(server, env, "login", server.url, "--token", server.token)
        assert result.returncode == 0, result.stderr
        assert "as alice" in result.stdout
        assert _run_with_env(server, env, "list").returncode == 0
        refused = _run_with_env(server, env, "login", server.url, "--token", "wr_nope")
        assert refused.returncode == 1

    def test_twenty_parallel_notes_lose_nothing(self, server):
        slug = json.loads(
            _ok(server.cli("declare", "Parallel notes", "--severity", "S2", "--json"))
        )["slug"]
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(
                pool.map(lambda n: server.cli("note", slug, f"parallel note {n}"), range(20))
            )
        assert [r.returncode for r in results] == [0] * 20, [
            r.stderr for r in results if r.returncode
        ]
        timeline = json.loads(_ok(server.cli("show", slug, "--json")))["timeline"]
        assert sorted(
            e["body"] for e in timeline if e["body"].startswith("parallel note")
        ) == sorted(f"parallel note {n}" for n in range(20))


def _run_with_env(server, env, *args):
    import subprocess

    from warroom.testing.server import WARROOM

    return subprocess.run([WARROOM, *args], env=env, capture_output=True, text=True, timeout=60)


ROSTER_FILE = [
    {
        "name": "Alice Chen",
        "username": "achen",
        "email": "alice@example.com",
        "aliases": ["Ali"],
        "team": "database",
    },
]


def _warroom(*args, input=None, env=None):
    import os
    import subprocess

    from warroom.testing.server import WARROOM

    return subprocess.run(
        [WARROOM, *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        env=env or os.environ.copy(),
    )


class TestRedactOffline:
    def test_plain_text_with_a_roster(self, tmp_path):
        roster = tmp_path / "roster.json"
        roster.write_text(json.dumps(ROSTER_FILE))
        result = _warroom(
            "redact", "--roster", str(roster), input="Alice restarted db1, ping @achen\n"
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == "Engineer 1 restarted db1, ping Engineer 1\n"

    def test_jsonl_gives_text_and_spans(self):
        lines = [
            json.dumps({"id": 1, "text": "per priya.n@example.com fine"}),
            "",
            json.dumps({"id": "b", "text": "ok"}),
        ]
        result = _warroom("redact", "--jsonl", input="\n".join(lines) + "\n")
        assert result.returncode == 0, result.stderr
        first, second = (json.loads(line) for line in result.stdout.splitlines())
        assert first == {
            "id": 1,
            "text": "per [email] fine",
            "spans": [{"start": 4, "end": 23, "label": "EMAIL", "replacement": "[email]"}],
        }
        assert second == {"id": "b", "text": "ok", "spans": []}

    @pytest.mark.parametrize("stdin", ["not json\n", '{"id": 1}\n', '{"text": 5}\n'])
    def test_bad_jsonl_names_the_line(self, stdin):
        result = _warroom("redact", "--jsonl", input=stdin)
        assert result.returncode == 1
        assert "line 1" in result.stderr

    def test_missing_roster_file(self):
        result = _warroom("redact", "--roster", "/nonexistent.json", input="x")
        assert result.returncode == 1 and "cannot read" in result.stderr


@pytest.mark.server
def test_roster_import_and_redaction_through_the_cli(server, tmp_path):
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(ROSTER_FILE))
    assert "1 created" in _ok(_warroom("roster", "import", str(roster), env=server.env))
    assert "1 updated" in _ok(_warroom("roster", "import", str(roster), env=server.env))
    listed = json.loads(_ok(_warroom("roster", "list", "--json", env=server.env)))
    assert any(p["username"] == "achen" and p["aliases"] == ["Ali"] for p in listed)
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "x"}]')
    result = _warroom("roster", "import", str(bad), env=server.env)
    assert result.returncode == 1 and "needs a name and a username" in result.stderr

    slug = json.loads(_ok(server.cli("declare", "Registry down", "--severity", "S2", "--json")))[
        "slug"
    ]
    _ok(server.cli("note", slug, "Ali restarted the registry; Zorblax from Globex helped"))
    public = _ok(server.cli("show", slug, "--public"))
    assert "Ali" not in public and "Engineer 1 restarted the registry" in public
    _ok(server.cli("redaction", slug, "--name", "Zorblax"))
    state = json.loads(_ok(server.cli("redaction", slug, "--json")))
    assert any(
        p["person"] == "Alice Chen (achen)" and p["standin"] == "Engineer 1"
        for p in state["pseudonyms"]
    )
    assert "Zorblax" not in _ok(server.cli("show", slug, "--public"))


def test_redact_evaluate_prints_the_report():
    result = _warroom("redact", "--evaluate", "heldout", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["labels"]["PERSON (roster)"]["recall"] >= 0.99


@pytest.mark.server
def test_the_playbook_through_the_cli(server, tmp_path):
    roster = tmp_path / "roster.json"
    roster.write_text(
        json.dumps([{"name": "Marta Jansen", "username": "marta", "team": "marketing"}])
    )
    _ok(_warroom("roster", "import", str(roster), env=server.env))
    declared = server.cli("declare", "Checkout errors", "--severity", "S1")
    assert declared.returncode == 0, declared.stderr
    assert "No communications lead named" in declared.stderr  # G16, on top, to stderr
    slug = declared.stdout.splitlines()[0]

    checklist = json.loads(_ok(server.cli("checklist", slug, "--json")))
    states = {s["id"]: s["state"] for s in checklist}
    assert states["open_war_room"] == "done" and states["open_public_page"] == "done"
    human = _ok(server.cli("checklist", slug))
    assert "open_war_room" in human and "commander" in human

    messages = json.loads(_ok(server.cli("messages", slug, "--json")))
    announcement = next(m for m in messages if m["kind"] == "announcement")
    assert announcement["state"] == "awaiting_approval"
    assert any(m["kind"] == "page" and "warroom ack" in m["body"] for m in messages)
    _ok(server.cli("role", slug, "commander", "alice"))
    edited = _ok(server.cli("approve", str(announcement["id"]), "--text", "We are on it."))
    assert edited.splitlines() == ["We are on it.", f"Message {announcement['id']}: pending"]
    _ok(server.cli("ack", slug))
    _ok(server.cli("live", slug, "approve"))
    assert "Watch the war room live" in httpx_get(f"{server.url}/incidents/{slug}/")
    _ok(server.cli("decide", slug, "blog_post", "yes", "--reason", "customers asked"))
    skipped = server.cli("step", slug, "assess_impact", "skip")
    assert skipped.returncode == 1 and "needs a reason" in skipped.stderr
    _ok(server.cli("step", slug, "assess_impact", "skip", "--reason", "obvious"))
    states = {s["id"]: s for s in json.loads(_ok(server.cli("checklist", slug, "--json")))}
    assert states["assess_impact"]["state"] == "skipped"
    assert "needs a reason" not in states["assess_impact"]["reason"]
    assert "1 steps ran" in _ok(_warroom("worker", "--once", env=server.env)) or True


def httpx_get(url: str) -> str:
    import httpx

    return httpx.get(url, timeout=10).text


def test_playbook_validate_names_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nversion: 1\nsteps:\n  - id: a\n    title: A\n    owner: commander\n    trigger: evry 5m\n"
    )
    result = _warroom("playbook", "validate", str(bad))
    assert result.returncode == 1
    assert ":7:" in result.stderr and "trigger" in result.stderr
    good = _warroom("playbook", "show", "--json")
    assert good.returncode == 0, good.stderr
    assert {s["id"] for s in json.loads(good.stdout)["steps"]} >= {
        "open_war_room",
        "open_public_page",
    }


@pytest.mark.server
def test_the_embedded_scheduler_escalates_pages_inside_warroom_serve(tmp_path):
    """`warroom serve` runs timed steps itself: a page not acknowledged in 2 s pages the next."""
    import time

    from warroom.testing.server import running_server

    book = tmp_path / "book.yaml"
    book.write_text(
        "name: fast\nversion: 1\nsteps:\n"
        "  - id: page\n    title: Page marketing\n    owner: communications\n    trigger: declare\n"
        "    action: {page_marketing: {ack_timeout: 2s}}\n    done: ack\n"
    )
    env = {"WARROOM_PLAYBOOK": str(book), "WARROOM_SCHEDULER_SECONDS": "1"}
    roster = tmp_path / "roster.json"
    roster.write_text(
        json.dumps(
            [
                {"name": "Marta Jansen", "username": "marta", "team": "marketing"},
                {"name": "Kofi Mensah", "username": "kofi", "team": "marketing"},
            ]
        )
    )
    with running_server(env=env) as srv:
        _ok(_warroom("roster", "import", str(roster), env=srv.env))
        slug = json.loads(_ok(srv.cli("declare", "Checkout down", "--severity", "S2", "--json")))[
            "slug"
        ]
        deadline = time.monotonic() + 20
        pages = []
        while time.monotonic() < deadline:
            pages = [
                m
                for m in json.loads(_ok(srv.cli("messages", slug, "--json")))
                if m["kind"] == "page"
            ]
            if len(pages) == 2:
                break
            time.sleep(0.5)
        assert [p["recipient"] for p in pages] == ["marta", "kofi"]


@pytest.mark.server
def test_subscribers_through_the_cli(server):
    added = server.cli("subscribers", "add", "reader@example.com", "--confirmed")
    assert added.returncode == 0, added.stderr
    assert "confirmed" in added.stdout
    bad = server.cli("subscribers", "add", "http://127.0.0.1/hook")
    assert bad.returncode == 1 and "private" in bad.stderr
    listed = json.loads(_ok(server.cli("subscribers", "list", "--json")))
    subscriber = next(s for s in listed if s["address"] == "reader@example.com")
    _ok(server.cli("subscribers", "remove", str(subscriber["id"])))
    assert "reader@example.com" not in _ok(server.cli("subscribers", "list"))
    gone = server.cli("subscribers", "remove", str(subscriber["id"]))
    assert gone.returncode == 1 and "no subscriber" in gone.stderr


@pytest.mark.server
def test_components_impact_and_component_subscribers_through_the_cli(server, tmp_path):
    refused = server.cli("components", "add", "ci-runners", "CI runners")
    assert refused.returncode == 1 and "only admins add components" in refused.stderr
    _ok(server.cli("createuser", "root", "--email", "root@example.com", "--admin"))
    admin = {**server.env, "WARROOM_TOKEN": _ok(server.cli("token", "create", "root")).strip()}
    added = subprocess.run(
        [WARROOM, "components", "add", "ci-runners", "CI runners"],
        env=admin,
        capture_output=True,
        text=True,
    )
    _ok(added)
    assert "ci-runners" in _ok(server.cli("components", "list"))
    added = _ok(
        server.cli(
            "subscribers", "add", "ci@example.com", "--confirmed", "--component", "ci-runners"
        )
    )
    assert "ci@example.com" in added
    assert "(only ci-runners)" in _ok(server.cli("subscribers", "list"))
    slug = json.loads(_ok(server.cli("declare", "Runners stuck", "--severity", "S2", "--json")))[
        "slug"
    ]
    customers = tmp_path / "customers.txt"
    customers.write_text("# affected\nACME Corp\nInitech\n")
    shown = _ok(
        server.cli(
            "impact",
            slug,
            "--segment",
            "saas=major_outage",
            "--component",
            "ci-runners=partial_outage",
            "--customers-file",
            str(customers),
        )
    )
    assert "segment    saas" in shown and "partial_outage" in shown and "2 affected" in shown
    assessed = json.loads(_ok(server.cli("impact", slug, "--json")))
    assert assessed["customer_names"] == ["ACME Corp", "Initech"]
    bad = server.cli("impact", slug, "--component", "pages=none")
    assert bad.returncode == 1 and "no component 'pages'" in bad.stderr


@pytest.mark.server
def test_declare_with_a_detection_time_and_read_the_metrics(server):
    detected = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    slug = json.loads(
        _ok(
            server.cli(
                "declare", "Queue backlog", "--severity", "S3", "--detected-at", detected, "--json"
            )
        )
    )["slug"]
    one = json.loads(_ok(server.cli("metrics", slug, "--json")))
    assert 590 <= one["time_to_declare"] <= 700 and one["time_to_resolve"] is None
    assert "Time to declare" in _ok(server.cli("metrics", slug))
    across = _ok(server.cli("metrics", "--days", "30"))
    assert "incident(s) declared in the last 30 days" in across
