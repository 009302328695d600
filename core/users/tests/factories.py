"""Build people the way registration does: through the services, with a confirmed address."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from core.users import services
from core.users.models import Role, User

PASSWORD = "correct-horse-battery-staple"


def user_make(
    *,
    email: str,
    role: str = Role.LEARNER,
    name: str = "",
    password: str = PASSWORD,
    details: dict | None = None,
    registered: bool = True,
) -> User:
    user = User(email=email)
    user.set_password(password)
    if details is None:
        details = (
            {"interests": ["Python"]} if role == Role.LEARNER else {"domains": ["Programming"], "skills": ["Python"]}
        )
    user = services.user_create_with_role(
        user=user, name=name or email.split("@")[0].title(), role=role, details=details
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if registered:
        services.user_complete_registration(user=user)
    return user
