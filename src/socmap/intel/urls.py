from django.urls import path

from socmap.intel import views

app_name = "intel"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("record/", views.record_report, name="record"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/regrade/", views.regrade, name="regrade"),
    path("<int:pk>/sanitise/", views.sanitise, name="sanitise"),
    path("sanitised/", views.copy_list, name="shared"),
    path("sanitised/<int:pk>/", views.copy_detail, name="copy"),
    path("sanitised/<int:pk>/share/", views.share_copy, name="share"),
    path("clearance/", views.clearances, name="clearances"),
    path("clearance/<int:pk>/revoke/", views.revoke_clearance, name="revoke"),
    path("triggers/", views.trigger_queue, name="triggers"),
    path("triggers/send/", views.submit_trigger, name="submit-trigger"),
    path("triggers/<int:pk>/", views.trigger_detail, name="trigger"),
    path("triggers/<int:pk>/accept-new/", views.accept_new, name="accept-new"),
    path("triggers/<int:pk>/accept-existing/", views.accept_existing, name="accept-existing"),
    path("triggers/<int:pk>/decline/", views.decline, name="decline"),
    path("sars/", views.sar_list, name="sars"),
    path("sars/record/", views.record_sar, name="record-sar"),
    path("sars/<int:pk>/triage/", views.triage, name="triage"),
    path("packages/new/", views.create_package, name="package"),
    path("acro/", views.arrest_list, name="acro"),
    path("acro/record/", views.record_arrest, name="record-arrest"),
    path("acro/<int:pk>/check/", views.acro_check, name="acro-check"),
    path("measures/", views.measures, name="measures"),
    path("import/", views.import_page, name="import"),
]
