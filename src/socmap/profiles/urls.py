from django.urls import path

from socmap.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.profile_list, name="list"),
    path("new/", views.profile_new, name="new"),
    path("<int:pk>/", views.profile_detail, name="detail"),
    path("<int:pk>/versions/<int:number>/", views.profile_detail, name="version"),
    path("<int:pk>/edit/", views.profile_edit, name="edit"),
    path("<int:pk>/regenerate/", views.profile_regenerate, name="regenerate"),
    path("<int:pk>/export/", views.profile_export, name="export"),
    path("<int:pk>/share/", views.profile_share, name="share"),
]
