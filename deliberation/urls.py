from django.contrib import admin
from django.urls import include, path

from deliberation.views import participant

urlpatterns = [
    path("", participant.home, name="home"),
    path("join/", participant.join, name="join"),
    path("join/<str:code>", participant.join, name="join_by_link"),
    path("w/<slug:slug>/", participant.workshop_page, name="workshop"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
