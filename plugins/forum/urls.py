from django.urls import path

from plugins.forum import views

# Addresses are read as words: /p/forum/programming/, /p/forum/t/12-how-do-i-read-a-traceback/.
# "t" and "post" come before the boards' slugs, which may therefore not be those words.
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("t/<int:pk>/follow/", views.thread_follow, name="thread-follow"),
    path("t/<int:pk>/reply/", views.thread_reply, name="thread-reply"),
    path("t/<int:pk>/moderate/", views.thread_moderate, name="thread-moderate"),
    path("t/<int:pk>-<slug:slug>/", views.thread_detail, name="thread"),
    path("t/<int:pk>/", views.thread_detail, name="thread-short"),
    path("post/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("post/<int:pk>/answer/", views.post_answer, name="post-answer"),
    path("post/<int:pk>/flag/", views.post_flag, name="post-flag"),
    path("post/<int:pk>/moderate/", views.post_moderate, name="post-moderate"),
    path("<slug:slug>/", views.board_detail, name="board"),
    path("<slug:slug>/new/", views.thread_new, name="thread-new"),
    path("<slug:slug>/follow/", views.board_follow, name="board-follow"),
]
