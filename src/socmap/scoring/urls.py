from django.urls import path

from socmap.scoring import views

app_name = "scoring"

urlpatterns = [
    path("preview/", views.preview, name="preview"),
]
