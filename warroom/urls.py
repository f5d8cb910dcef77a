from django.contrib import admin
from django.urls import include, path

from warroom.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("dashboard/", include("warroom.dashboard.urls")),
    path("admin/", admin.site.urls),
    path("", include("warroom.publicpage.urls")),
]
