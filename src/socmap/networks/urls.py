from django.urls import path

from socmap.networks import views

app_name = "networks"

urlpatterns = [
    path("", views.index, name="index"),
    path("method/", views.methodology, name="methodology"),
    path("threat-links/", views.threat_links, name="threat-links"),
    path("<str:kind>/<int:pk>/", views.network, name="network"),
    path("<str:kind>/<int:pk>/panel/", views.panel, name="panel"),
]
