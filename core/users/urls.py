from django.urls import path

from core.users import views

app_name = "users"

urlpatterns = [
    path("suggest/", views.suggest, name="suggest"),
]
