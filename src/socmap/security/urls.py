from django.urls import path

from socmap.security import views

app_name = "security"

urlpatterns = [
    path("restrictions/", views.restriction_list, name="restrictions"),
    path("restrictions/<int:pk>/", views.restriction_detail, name="restriction"),
    path("records/<str:record_type>/<int:pk>/restrict/", views.restrict, name="restrict"),
    path("records/<str:record_type>/<int:pk>/lift/", views.lift, name="lift"),
    path("records/<str:record_type>/<int:pk>/reason/", views.access_reason, name="access-reason"),
    path("two-factor/", views.two_factor_page, name="two-factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/requirements/", views.requirements, name="two-factor-requirements"),
    path("users/<str:username>/", views.user_security, name="user"),
]
