from django.urls import path

from socmap.people import views

app_name = "people"

urlpatterns = [
    path("", views.nominal_list, name="list"),
    path("new/", views.nominal_create, name="create"),
    path("search/", views.person_search, name="search"),
    path("<int:pk>/", views.nominal_detail, name="detail"),
    path("<int:pk>/edit/", views.nominal_edit, name="edit"),
    path("<int:pk>/aliases/add/", views.add_alias, name="add-alias"),
    path("<int:pk>/identifiers/add/", views.add_identifier, name="add-identifier"),
    path("<int:pk>/addresses/add/", views.add_address, name="add-address"),
    path("<int:pk>/link/", views.link, name="link"),
    path("<int:pk>/associations/<int:association_pk>/remove/", views.unlink, name="unlink"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("merges/<int:pk>/undo/", views.unmerge, name="unmerge"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/", views.duplicate_review, name="duplicate-review"),
]
