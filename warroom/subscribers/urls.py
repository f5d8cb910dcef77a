from django.urls import path

from warroom.subscribers import views

# The paths are in the links the services send (confirmation mail, List-Unsubscribe): keep them.
app_name = "subscribers"
urlpatterns = [
    path("subscribe", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
