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
    path("strategy/", views.strategy_list, name="strategies"),
    path("strategy/new/", views.strategy_new, name="strategy-new"),
    path("strategy/<int:pk>/", views.strategy_detail, name="strategy"),
    path("strategy/<int:pk>/edit/", views.strategy_edit, name="strategy-edit"),
    path("strategy/<int:pk>/priorities/", views.priority_add, name="priority-add"),
    path("strategy/priorities/<int:pk>/end/", views.priority_remove, name="priority-end"),
    path("strategy/<int:pk>/review/", views.strategy_review, name="strategy-review"),
]
