from django.urls import path

from apps.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.sales_index, name="sales"),
    path("<int:pk>/", views.sales_brand, name="sales-brand"),
    path("<int:pk>/export.xlsx", views.sales_export, name="sales-export"),
]
