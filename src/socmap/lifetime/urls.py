from django.urls import path

app_name = "lifetime"

urlpatterns: list = []
