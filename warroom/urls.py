from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from warroom.api import api
from warroom.playbooks.views import acknowledge


def healthz(request):
    """Liveness for load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


# The public pages come first: they take most of the traffic, and the resolver tries in order.
urlpatterns = [
    path("healthz", healthz),
    path("", include("warroom.publicpage.urls")),
    path("", include("warroom.subscribers.urls")),
    path("", include("warroom.reports.urls")),
    path("api/v1/", api.urls),
    path("dashboard/", include("warroom.dashboard.urls")),
    path("ack/<str:token>", acknowledge, name="ack"),
    path("admin/", admin.site.urls),
]
