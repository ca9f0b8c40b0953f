from django.urls import path

from socmap.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("records/<str:record_type>/<int:pk>/review/", views.review, name="review"),
]
