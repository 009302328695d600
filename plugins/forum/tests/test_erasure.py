"""When core erases a person (``on_user_erased``), their forum name and posts are erased."""

import pytest

from core import hooks
from plugins.forum import services
from plugins.forum.models import Board, Member, Post

pytestmark = pytest.mark.django_db


def test_an_erased_persons_name_and_posts_go_and_threads_keep_their_shape(learner, other_learner):
    board = Board.objects.first() or services.boards_seed()[0]
    thread = services.thread_start(
        user=learner, board=board, title="How do I read a traceback?", body="I am Asha from Pune, help"
    )
    services.reply_post(user=other_learner, thread=thread, body="Read it from the bottom up.")
    hooks.user_erased.send(sender=None, user=learner)
    member = Member.objects.get(user=learner)
    assert member.display_name == services.ERASED_MEMBER
    mine = Post.objects.get(thread=thread, author=member)
    assert "Pune" not in mine.body and "Pune" not in mine.html
    assert Post.objects.filter(thread=thread).count() == 2  # the reply still answers something
