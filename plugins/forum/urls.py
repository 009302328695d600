from django.urls import path

from plugins.forum import views

urlpatterns = [
    path("", views.thread_list, name="thread-list"),
]
