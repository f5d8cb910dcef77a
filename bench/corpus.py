"""Incidents to measure: a big one (2,000 public entries) and a typical one (~30), filled through
the public API so every entry goes through the same service as a responder's."""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

from warroom.testing.server import Server

SERVICES = ["checkout-api", "payments-worker", "auth-gateway", "search-indexer", "cdn-edge"]
REGIONS = ["eu-west-1", "us-east-2", "ap-southeast-1"]

# Shaped like what responders write: code spans, links, lists, the odd code block and emphasis.
TEMPLATES = [
    "Error rate on `{svc}` rose to {pct}% at {hh}:{mm} UTC; see the "
    "[dashboard](https://grafana.example.com/d/{hex}/{svc}?from=now-1h).",
    "Rolled back `{svc}` from `v2.{n}.{m}` to `v2.{n}.{m0}`. **Monitoring** the error rate.",
    "Customers on SaaS in {region} see HTTP 502 on checkout. Self-managed installations are "
    "not affected.",
    "Affected regions:\n\n- {region}\n- {region2}\n\nLatency p99 is {ms} ms (normally 180 ms).",
    "Possibly caused by the certificate rotation on `lb-{n}` at {hh}:{mm}; the timing matches "
    "the first alert ([alert #{num}](https://alerts.example.com/{num})).",
    "Found in the logs of `{svc}`:\n\n```\nERROR upstream timed out (110) while reading "
    "response header, upstream: {svc}:8443\n```",
    "Scaled `{svc}` from {n} to {m} replicas; queue depth is falling ({num} → {n}00).",
    "Opened [INC-{num}](https://tracker.example.com/issues/{num}) with the database vendor; "
    "*no ETA yet*.",
]
KINDS = ["event", "finding", "finding", "hypothesis", "action"]


def entry_body(rng: random.Random) -> str:
    n, m = rng.randint(2, 9), rng.randint(10, 40)
    return rng.choice(TEMPLATES).format(
        svc=rng.choice(SERVICES),
        pct=rng.randint(2, 60),
        hh=f"{rng.randint(0, 23):02d}",
        mm=f"{rng.randint(0, 59):02d}",
        hex=f"{rng.getrandbits(32):08x}",
        n=n,
        m=m,
        m0=m - 1,
        region=rng.choice(REGIONS),
        region2=rng.choice(REGIONS),
        ms=rng.randint(400, 4000),
        num=rng.randint(1000, 9999),
    )


@dataclass(frozen=True)
class Incident:
    slug: str
    public_url: str
    public_entries: int  # the declare entry included
    internal_entries: int


def make_incident(server: Server, title: str, public: int, internal: int, seed: int) -> Incident:
    """Declare an incident and add `public` public and `internal` internal entries to it."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        declared = client.post("/api/v1/incidents", json={"title": title, "severity": "S2"})
        declared.raise_for_status()
        slug = declared.json()["slug"]
        visibilities = ["public"] * public + ["internal"] * internal
        rng.shuffle(visibilities)
        for visibility in visibilities:
            payload = {"body": entry_body(rng), "kind": rng.choice(KINDS), "visibility": visibility}
            reply = client.post(f"/api/v1/incidents/{slug}/timeline", json=payload)
            if reply.status_code != 201:
                raise RuntimeError(f"adding an entry failed: {reply.status_code} {reply.text}")
    return Incident(slug, declared.json()["public_url"], public + 1, internal)
