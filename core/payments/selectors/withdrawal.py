"""Reads about withdrawals: a mentor's or the platform's history."""

from __future__ import annotations

from core.payments.models import Withdrawal
from core.users.models import User


def withdrawal_list_for_user(*, user: User | None, limit: int = 50) -> list[Withdrawal]:
    """``user``'s withdrawals (None: the platform's), newest first (one query)."""
    return list(Withdrawal.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def withdrawal_queryset_for_user(*, user: User | None):
    """``user``'s withdrawals (None: the platform's), unordered: a queryset for cursor pages."""
    return Withdrawal.objects.filter(user=user)


def withdrawal_has_any(*, user: User) -> bool:
    return Withdrawal.objects.filter(user=user).exists()
