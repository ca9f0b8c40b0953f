from django.urls import path

from socmap.disruptions import views

app_name = "disruptions"

urlpatterns = [
    path("", views.disruption_list, name="list"),
    path("record/", views.record, name="record"),
    path("record/tactic-fields/", views.tactic_fields, name="tactic-fields"),
    path("unvalidated/", views.unvalidated, name="unvalidated"),
    path("overdue/", views.overdue, name="overdue"),
    path("figures/", views.figures, name="figures"),
    path("import/", views.import_page, name="import"),
    path("import/template/", views.template, name="template"),
    path("guidance/", views.guidance, name="guidance"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/validate/", views.validate, name="validate"),
    path("<int:pk>/return/", views.return_claim, name="return"),
    path("<int:pk>/regrade/", views.regrade, name="regrade"),
    path("<int:pk>/share/", views.share, name="share"),
]
