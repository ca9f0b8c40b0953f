from django.urls import path

from socmap.performance import views

app_name = "performance"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("trends/", views.trends, name="trends"),
    path("breakdown/", views.breakdown, name="breakdown"),
    path("compliance/", views.compliance, name="compliance"),
    path("what-works/", views.what_works, name="what-works"),
    path("public/", views.public_summary, name="public"),
    path("reports/", views.reports, name="reports"),
]
