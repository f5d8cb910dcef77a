from django.contrib.auth import views as auth_views
from django.urls import path

from warroom.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="dashboard/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.incident_list, name="list"),
    path("incidents/<slug:slug>/", views.incident_detail, name="incident"),
]
