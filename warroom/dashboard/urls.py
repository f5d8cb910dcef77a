from django.contrib.auth import views as auth_views
from django.urls import path

from warroom.dashboard import views

app_name = "dashboard"

login = auth_views.LoginView.as_view(
    template_name="dashboard/login.html", redirect_authenticated_user=True
)

urlpatterns = [
    path("login/", login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.incident_list, name="list"),
    path("declare/", views.declare, name="declare"),
    path("incidents/<slug:slug>/", views.incident_detail, name="incident"),
    path("incidents/<slug:slug>/timeline/", views.timeline_partial, name="timeline"),
    path("incidents/<slug:slug>/entries/", views.add_entry, name="add_entry"),
    path(
        "incidents/<slug:slug>/entries/<int:entry_id>/hypothesis/",
        views.set_hypothesis,
        name="hypothesis",
    ),
    path("incidents/<slug:slug>/status/", views.change_status, name="status"),
    path("incidents/<slug:slug>/roles/", views.assign_role, name="roles"),
    path("incidents/<slug:slug>/preview/", views.public_preview, name="preview"),
    path("incidents/<slug:slug>/redaction/", views.add_correction, name="add_correction"),
    path(
        "incidents/<slug:slug>/redaction/<int:correction_id>/remove/",
        views.remove_correction,
        name="remove_correction",
    ),
]
