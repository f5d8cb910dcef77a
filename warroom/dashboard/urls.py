from django.contrib.auth import views as auth_views
from django.urls import path

from warroom.dashboard import (
    metrics_views,
    playbook_views,
    postmortem_views,
    report_views,
    views,
    writeup_views,
)

app_name = "dashboard"

login = auth_views.LoginView.as_view(
    template_name="dashboard/login.html", redirect_authenticated_user=True
)

urlpatterns = [
    path("login/", login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.incident_list, name="list"),
    path("declare/", views.declare, name="declare"),
    path("metrics/", metrics_views.metrics_page, name="metrics"),
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
    path("incidents/<slug:slug>/postmortem/", postmortem_views.editor, name="postmortem"),
    path(
        "incidents/<slug:slug>/postmortem/check/",
        postmortem_views.check_partial,
        name="postmortem_check",
    ),
    path("incidents/<slug:slug>/blog/", writeup_views.blog_draft, name="blog"),
    path("incidents/<slug:slug>/redaction/", views.add_correction, name="add_correction"),
    path(
        "incidents/<slug:slug>/redaction/<int:correction_id>/remove/",
        views.remove_correction,
        name="remove_correction",
    ),
    # The playbook panels
    path("incidents/<slug:slug>/playbook/", playbook_views.playbook_partial, name="playbook"),
    path("incidents/<slug:slug>/steps/<slug:step_id>/", playbook_views.mark_step, name="mark_step"),
    path(
        "incidents/<slug:slug>/messages/<int:message_id>/",
        playbook_views.review_message,
        name="review_message",
    ),
    path("incidents/<slug:slug>/live/approve/", playbook_views.approve_live, name="approve_live"),
    path("incidents/<slug:slug>/live/veto/", playbook_views.veto_live, name="veto_live"),
    path("incidents/<slug:slug>/ack/", playbook_views.ack_page, name="ack"),
    path("incidents/<slug:slug>/decisions/", playbook_views.record_decision, name="decide"),
    # Community reports
    path("incidents/<slug:slug>/reports/", report_views.reports_partial, name="reports"),
    path(
        "incidents/<slug:slug>/reports/<int:report_id>/promote/",
        report_views.promote_report,
        name="promote_report",
    ),
    path(
        "incidents/<slug:slug>/reports/<int:report_id>/dismiss/",
        report_views.dismiss_report,
        name="dismiss_report",
    ),
]
