from django.urls import path

from warroom.reports import views

app_name = "reports"
urlpatterns = [
    path("incidents/<slug:slug>/report", views.report, name="report"),
]
