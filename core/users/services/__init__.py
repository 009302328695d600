"""Writes about people, one module per entity: ``account`` (registration, approval, staff,
passwords), ``profile`` (profile, timezone, payout destination) and ``two_factor`` (the
authenticator app, codes at login and before a withdrawal, recovery codes). Import from here.
"""

from core.users.services.account import (
    mentor_approve,
    staff_user_create,
    user_complete_registration,
    user_create_with_role,
    user_password_change,
)
from core.users.services.profile import (
    payout_destination_update,
    profile_update,
    settings_update,
    user_timezone_update,
)
from core.users.services.two_factor import (
    RECOVERY_CODE_COUNT,
    RECOVERY_CODE_USED,
    SECOND_FACTOR_PENDING,
    TOTP_THROTTLED,
    TWO_FACTOR_OFF,
    WRONG_RECOVERY_CODE,
    WRONG_TOTP_CODE,
    login_second_factor_require,
    login_second_factor_verify,
    recovery_codes_generate,
    recovery_codes_regenerate,
    second_factor_check,
    totp_code_use,
    totp_device_cancel,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
)

__all__ = [
    "RECOVERY_CODE_COUNT",
    "RECOVERY_CODE_USED",
    "SECOND_FACTOR_PENDING",
    "TOTP_THROTTLED",
    "TWO_FACTOR_OFF",
    "WRONG_RECOVERY_CODE",
    "WRONG_TOTP_CODE",
    "login_second_factor_require",
    "login_second_factor_verify",
    "mentor_approve",
    "payout_destination_update",
    "profile_update",
    "recovery_codes_generate",
    "recovery_codes_regenerate",
    "second_factor_check",
    "settings_update",
    "staff_user_create",
    "totp_code_use",
    "totp_device_cancel",
    "totp_device_confirm",
    "totp_device_remove",
    "totp_device_start",
    "user_complete_registration",
    "user_create_with_role",
    "user_password_change",
    "user_timezone_update",
]
