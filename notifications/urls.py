"""The notification centre's pages, mounted in the site at notifications/ (config/site.py)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="index"),
    path("<id:pk>/open/", views.notification_open, name="open"),
    path("read/", views.mark_all_read, name="read_all"),
    path("email/", views.preference, name="preference"),
]
