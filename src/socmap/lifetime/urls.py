from django.urls import path

from socmap.lifetime import views

app_name = "lifetime"

urlpatterns = [
    path("", views.alerts, name="alerts"),
    path("expire/", views.expire, name="expire"),
    path("orders/", views.order_list, name="orders"),
    path("orders/record/", views.record_order, name="record"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/grant/", views.grant, name="grant"),
    path("orders/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("orders/<int:pk>/vary/", views.vary, name="vary"),
    path("orders/<int:pk>/discharge/", views.discharge, name="discharge"),
    path("orders/<int:pk>/breach/", views.breach, name="breach"),
    path("orders/<int:pk>/disruption/", views.order_disruption, name="order-disruption"),
    path("breaches/", views.breach_list, name="breaches"),
    path("breaches/<int:pk>/disruption/", views.breach_disruption, name="breach-disruption"),
    path("custody/", views.custody_list, name="custody-list"),
    path("custody/record/", views.record_custody, name="record-custody"),
    path("custody/<int:pk>/", views.custody_detail, name="custody"),
    path("custody/<int:pk>/edit/", views.edit_custody, name="edit-custody"),
    path("custody/<int:pk>/release/", views.release, name="release"),
    path("people/<int:nominal_id>/", views.person, name="person"),
    path("people/<int:nominal_id>/consider/", views.consider, name="consider"),
    path("order-types/", views.order_types, name="order-types"),
]
