from django.urls import path

from warroom.publicpage import views

app_name = "public"
urlpatterns = [
    path("", views.status_page, name="status"),
    path("incidents/<slug:slug>/", views.incident_page, name="incident"),
    path("incidents/<slug:slug>/live.json", views.live_json, name="live"),
]
