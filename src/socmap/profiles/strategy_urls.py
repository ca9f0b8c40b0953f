"""The control strategy's pages, under their own prefix (so that the navigation marks
*Profiles* and *Control strategy* apart)."""

from django.urls import path

from socmap.profiles import views

app_name = "strategy"

urlpatterns = [
    path("", views.strategy_list, name="list"),
    path("new/", views.strategy_new, name="new"),
    path("<int:pk>/", views.strategy_detail, name="detail"),
    path("<int:pk>/edit/", views.strategy_edit, name="edit"),
    path("<int:pk>/priorities/", views.priority_add, name="priority-add"),
    path("priorities/<int:pk>/end/", views.priority_remove, name="priority-end"),
    path("<int:pk>/review/", views.strategy_review, name="review"),
]
