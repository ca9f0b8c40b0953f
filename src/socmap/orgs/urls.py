from django.urls import path

from socmap.orgs import views

app_name = "orgs"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("populations/", views.population_list, name="population-list"),
    path("populations/import/", views.population_import, name="population-import"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<str:username>/", views.user_detail, name="user-detail"),
    path(
        "users/<str:username>/reset-password/",
        views.user_reset_password,
        name="user-reset-password",
    ),
    path("account/", views.account, name="account"),
]
