from django.urls import path

from core.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("<int:pk>/", views.session_detail, name="session-detail"),
]
