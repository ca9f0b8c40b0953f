from django.urls import path

from socmap.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("actions/", views.action_list, name="actions"),
    path("reviews-due/", views.reviews_due, name="reviews-due"),
    path("gaps/", views.gap_list, name="gaps"),
    path("workload/", views.workload, name="workload"),
    path("tasking/", views.tasking, name="tasking"),
    path("tasking/propose/", views.propose, name="propose"),
    path("tasking/proposals/<int:pk>/decide/", views.decide, name="decide"),
    path("tasking/<slug:slug>/pack/", views.tasking_pack, name="pack"),
    path("briefing/", views.briefing_index, name="briefing"),
    path("briefing/<int:pk>/", views.briefing_area, name="briefing-area"),
    path("threat/<int:threat_pk>/start/", views.plan_start, name="start"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/review/", views.plan_review, name="review"),
    path("<int:pk>/objectives/add/", views.objective_add, name="add-objective"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="edit-objective"),
    path("<int:pk>/actions/add/", views.action_add, name="add-action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="edit-action"),
    path("<int:pk>/partners/add/", views.partner_add, name="add-partner"),
    path("partners/<int:pk>/remove/", views.partner_remove, name="remove-partner"),
    path("<int:pk>/referrals/add/", views.referral_add, name="add-referral"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="answer-referral"),
]
