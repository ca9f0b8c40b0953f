from django.urls import path

from socmap.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("methodologies/<slug:name>/<int:version>/", views.methodology, name="methodology"),
    path("threats/<int:threat_pk>/assess/", views.assess, name="assess"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("consistency/", views.consistency, name="consistency"),
    path("calibration/", views.calibration_list, name="calibration-list"),
    path("calibration/new/", views.calibration_create, name="calibration-create"),
    path("calibration/<int:pk>/", views.calibration_detail, name="calibration-detail"),
    path("calibration/<int:pk>/report/", views.calibration_report, name="calibration-report"),
    path("calibration/<int:pk>/close/", views.calibration_close, name="calibration-close"),
    path(
        "calibration/cases/<int:case_pk>/respond/",
        views.calibration_respond,
        name="calibration-respond",
    ),
]
