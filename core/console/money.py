"""Money decisions in the admin: a fresh TOTP code for every one, and a second staff member's
approval above ``MONEY_APPROVAL_THRESHOLD_PAISE`` (docs/decisions/0022, "four eyes").

Refunds of a plugin's purpose payment, dispute settlements and the platform's withdrawals go
through ``money_decide``: below the threshold it carries the act out at once; above it, it
records a ``MoneyApproval`` that another staff member, with the same permission and their own
code, approves (``money_approval_decide``), which then carries it out. Every step is in the
audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit.services import audit_record
from core.bookings.disputes import dispute_settle
from core.bookings.models import Dispute
from core.console.models import ApprovalStatus, MoneyApproval, MoneyKind
from core.console.receivers import homes_refresh
from core.money import format_inr
from core.payments.models import Payment
from core.payments.services import purpose_payment_refund, withdrawal_request
from core.users.models import User
from core.users.services.two_factor import fresh_code_use

PERMISSION = {
    MoneyKind.REFUND: "payments.refund_payment",
    MoneyKind.SETTLE: "bookings.change_dispute",
    MoneyKind.PLATFORM_WITHDRAWAL: "payments.withdraw_platform",
}


def threshold_paise() -> int:
    return settings.MONEY_APPROVAL_THRESHOLD_PAISE


@dataclass(frozen=True)
class MoneyOutcome:
    """``done``: carried out now (``result`` is the payment, dispute or withdrawal); otherwise
    ``approval`` waits for a second staff member."""

    done: bool
    result: object = None
    approval: MoneyApproval | None = None


def _execute(*, kind: str, by: User, object_id, amount_paise: int, details: dict, reason: str, otp_token: str = ""):
    if kind == MoneyKind.REFUND:
        payment = Payment.objects.get(pk=object_id)
        return purpose_payment_refund(payment=payment, by=by, amount_paise=amount_paise, reason=reason)
    if kind == MoneyKind.SETTLE:
        dispute = Dispute.objects.get(pk=object_id)
        return dispute_settle(
            dispute=dispute, by=by, decision=details["decision"], note=reason, refund_paise=amount_paise
        )
    if kind == MoneyKind.PLATFORM_WITHDRAWAL:
        return withdrawal_request(user=None, requested_by=by, amount_paise=amount_paise, otp_token=otp_token, **details)
    raise ValueError(f"Unknown money decision {kind!r}.")


def _object_label(kind: str, object_id) -> tuple[str, str]:
    if kind == MoneyKind.REFUND:
        return "payments.payment", str(object_id)
    if kind == MoneyKind.SETTLE:
        return "bookings.dispute", str(object_id)
    return "payments.withdrawal", ""


def money_decide(
    *,
    kind: str,
    by: User,
    amount_paise: int,
    reason: str,
    otp_token: str,
    object_id: int | None = None,
    details: dict | None = None,
) -> MoneyOutcome:
    """Carry out a money decision now, or ask a second staff member when it is above the
    threshold. Needs ``by``'s permission for the kind and a fresh TOTP code. Raises
    ValidationError (``otp_token`` for a wrong or used code) or the act's own errors."""
    if not by.has_perm(PERMISSION[kind]):
        raise PermissionDenied
    details = dict(details or {})
    object_type, object_key = _object_label(kind, object_id)
    if amount_paise > threshold_paise():
        fresh_code_use(by, otp_token)
        with transaction.atomic():
            approval = MoneyApproval.objects.create(
                kind=kind,
                object_id=object_id,
                amount_paise=amount_paise,
                details=details,
                reason=reason,
                requested_by=by,
            )
            audit_record(
                action=f"ask {kind}", object_type=object_type, object_id=object_key,
                object_repr=f"{approval} for {format_inr(amount_paise)}", after={"amount_paise": amount_paise,
                **details}, reason=reason, actor=by,
            )  # fmt: skip
            transaction.on_commit(homes_refresh)
        return MoneyOutcome(done=False, approval=approval)
    if kind != MoneyKind.PLATFORM_WITHDRAWAL:  # withdrawal_request checks and uses the code itself
        fresh_code_use(by, otp_token)
    result = _execute(
        kind=kind, by=by, object_id=object_id, amount_paise=amount_paise, details=details, reason=reason,
        otp_token=otp_token,
    )  # fmt: skip
    audit_record(
        action=kind, object_type=object_type, object_id=object_key or str(getattr(result, "pk", "")),
        object_repr=str(result)[:200], after={"amount_paise": amount_paise, **details}, reason=reason, actor=by,
    )  # fmt: skip
    return MoneyOutcome(done=True, result=result)


def money_approval_decide(
    *, approval: MoneyApproval, by: User, approve: bool, note: str, otp_token: str
) -> MoneyApproval:
    """A second staff member approves (and so carries out) or turns down a waiting decision,
    with their own TOTP code. Never the one who asked. Once: a decided approval is returned as
    it is. If carrying it out fails (the gateway refused), it is marked failed with why."""
    if not by.has_perm(PERMISSION[approval.kind]):
        raise PermissionDenied
    if by.pk == approval.requested_by_id:
        raise ValidationError("A second staff member approves this: not the one who asked for it.")
    note = " ".join((note or "").split())[:300]
    if not approve and not note:
        raise ValidationError({"note": "Say why you turn it down: the one who asked reads it."})
    if approve and approval.kind == MoneyKind.PLATFORM_WITHDRAWAL:
        decided = _approve_withdrawal(approval=approval, by=by, note=note, otp_token=otp_token)
    else:
        fresh_code_use(by, otp_token)
        decided = _claim(approval=approval, by=by, approve=approve, note=note)
        if decided and approve:
            _carry_out(approval=approval)
    approval.refresh_from_db()
    if decided:
        object_type, object_key = _object_label(approval.kind, approval.object_id)
        audit_record(
            action=f"{'approve' if approve else 'turn down'} {approval.kind}", object_type=object_type,
            object_id=object_key, object_repr=str(approval)[:200], after={"amount_paise": approval.amount_paise,
            "asked_by": approval.requested_by.email, "outcome": approval.outcome}, reason=note or approval.reason,
            actor=by,
        )  # fmt: skip
        homes_refresh()
    return approval


def _claim(*, approval: MoneyApproval, by: User, approve: bool, note: str) -> bool:
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    return bool(
        MoneyApproval.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
            status=status, decided_by=by, decided_at=timezone.now(), decision_note=note
        )
    )


def _carry_out(*, approval: MoneyApproval) -> None:
    """A refund or settlement, in the asker's name (the approver is in the trail)."""
    try:
        result = _execute(
            kind=approval.kind, by=approval.requested_by, object_id=approval.object_id,
            amount_paise=approval.amount_paise, details=approval.details, reason=approval.reason,
        )  # fmt: skip
    except (ValidationError, ValueError) as exc:
        text = " ".join(getattr(exc, "messages", None) or [str(exc)])[:300]
        MoneyApproval.objects.filter(pk=approval.pk).update(status=ApprovalStatus.FAILED, outcome=text)
        return
    MoneyApproval.objects.filter(pk=approval.pk).update(outcome=str(result)[:300])


def _approve_withdrawal(*, approval: MoneyApproval, by: User, note: str, otp_token: str) -> bool:
    """The approver makes the withdrawal with their own code (``withdrawal_request`` checks and
    uses it); the approval stays waiting if the code or the balance is refused."""
    with transaction.atomic():
        locked = MoneyApproval.objects.select_for_update().get(pk=approval.pk)
        if locked.status != ApprovalStatus.PENDING:
            return False
        withdrawal = _execute(
            kind=locked.kind, by=by, object_id=None, amount_paise=locked.amount_paise, details=locked.details,
            reason=locked.reason, otp_token=otp_token,
        )  # fmt: skip
        _claim(approval=locked, by=by, approve=True, note=note)
        MoneyApproval.objects.filter(pk=locked.pk).update(outcome=str(withdrawal)[:300])
    return True
