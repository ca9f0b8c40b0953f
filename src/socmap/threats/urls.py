from django.urls import path

from socmap.threats import views

app_name = "threats"

urlpatterns = [
    path("", views.threat_list, name="list"),
    path("map/", views.threat_map, name="map"),
    path("map/answers/", views.answers_fields, name="answers-fields"),
    path("overdue/", views.overdue, name="overdue"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.threat_detail, name="detail"),
    path("<int:pk>/panels/", views.threat_panels, name="panels"),
    path("<int:pk>/edit/", views.threat_edit, name="edit"),
    path("<int:pk>/status/", views.threat_status, name="status"),
    path("<int:pk>/members/add/", views.member_add, name="add-member"),
    path("members/<int:pk>/end/", views.member_end, name="end-member"),
]
