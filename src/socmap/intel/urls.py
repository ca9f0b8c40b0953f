from django.urls import path

app_name = "intel"

urlpatterns: list = []
