"""The metrics page of the dashboard: the numbers across incidents, a chart per metric, and a
row per incident."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from warroom.dashboard.access import responder_required
from warroom.metrics import charts
from warroom.metrics.compute import PERIODS, for_incidents, recent, summary
from warroom.metrics.words import METRICS, human


@responder_required
@require_GET
def metrics_page(request: HttpRequest) -> HttpResponse:
    days = int(request.GET.get("days", "90")) if request.GET.get("days", "90").isdigit() else 90
    days = days if days in PERIODS else 90
    rows = for_incidents(recent(days))
    totals = summary(rows)
    context = {
        "days": days,
        "periods": PERIODS,
        "incidents": [
            {"m": m, "cells": [human(m.seconds[key]) for key in METRICS]} for m in reversed(rows)
        ],
        "labels": list(METRICS.values()),
        "metrics": [
            {
                "label": label,
                "median": human(totals[key]["median"]),
                "max": human(totals[key]["max"]),
                "count": totals[key]["incidents"],
                "chart": charts.dot_chart(rows, key, label),
            }
            for key, label in METRICS.items()
        ],
    }
    return render(request, "dashboard/metrics.html", context)
