"""The gifting plugin's pages, at ``/p/gifting/``: give a gift (the dialog's form, and the same
form as a page without JavaScript), the line that says what the gift costs, the page a gift
paid from the room returns to, and the mentor's on/off switch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import plugin_api
from plugins.gifting import services
from plugins.gifting.forms import GiftForm
from plugins.gifting.models import Gift

RETURN_MAX = 200


def _learner_only(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) != "learner":
        raise PermissionDenied("Only learners send gifts.")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after paying: a path on this site, or ``fallback``."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if (
        wanted.startswith("/")
        and not wanted.startswith(("//", "/\\"))
        and len(wanted) <= RETURN_MAX
        and wanted.isprintable()
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts=set(), require_https=False)
    ):
        return wanted
    return fallback


def preview_text(*, price_paise: int, mentor_name: str = "") -> str:
    """ "Gift ₹100 + platform fee ₹10 = ₹110; your mentor receives ₹90" (core's split, as charged)."""
    parts = plugin_api.payment_split(price_paise=price_paise)
    inr = plugin_api.format_inr
    who = mentor_name or "your mentor"
    return (
        f"Gift {inr(parts.price_paise)} + platform fee {inr(parts.fee_paise)} = {inr(parts.amount_paise)}; "
        f"{who} receives {inr(parts.mentor_share_paise)}"
    )


def gift_context(*, request: HttpRequest, booking: plugin_api.LearnerBooking, form: GiftForm, next_url: str) -> dict:
    """What the gift form needs, in the dialog and on the page."""
    limits = services.gift_limits(learner=request.user, booking_id=booking.id)
    return {
        "gift_form": form,
        "gift_booking": booking,
        "gift_next": next_url,
        "gift_action": reverse("gifting:give", args=[booking.id]),
        "gift_preview_url": reverse("gifting:preview"),
        "gift_previews": {
            str(rupees): preview_text(price_paise=rupees * 100, mentor_name=booking.mentor.name)
            for rupees in services.PRESETS_RUPEES
        },
        "gift_limits": limits,
        "gift_sent_paise": services.gifts_sent_paise(learner=request.user, booking_id=booking.id),
    }


@never_cache
@login_required
def give(request: HttpRequest, booking_id: int) -> HttpResponse:
    """``/p/gifting/give/<booking id>/``: GET the form as a page; POST opens the gift's payment and
    sends the learner to core's checkout. Refusals re-render the form with the reason (400)."""
    _learner_only(request)
    booking = plugin_api.booking_of_learner(learner=request.user, booking_id=booking_id)
    if booking is None:
        raise Http404("No such booking.")
    fallback = reverse("bookings:booking-detail", args=[booking.id])
    next_url = _safe_next(request, fallback)
    window = services.gift_window(booking=booking)
    form = GiftForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if not window.open:
            form.is_valid()
            form.add_error(None, window.refusal)
        elif form.is_valid():
            try:
                _gift, payment = services.gift_start(
                    learner=request.user,
                    booking_id=booking.id,
                    price_paise=form.price_paise,
                    message=form.cleaned_data["message"],
                    token=form.cleaned_data["token"],
                    return_url=next_url,
                )
            except services.GiftError as exc:
                form.add_error(None, exc.messages[0])
            else:
                return redirect(payment.checkout_url)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    context = gift_context(request=request, booking=booking, form=form, next_url=next_url)
    context["gift_window"] = window
    return render(request, "gifting/give.html", context, status=status)


@require_GET
@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """The cost line for an amount the learner types (plain text), or what is wrong with it."""
    raw = request.GET.get("rupees", "").strip()
    low, high = services.MIN_RUPEES, services.MAX_RUPEES
    if not raw.isdigit() or not low <= int(raw) <= high:
        return HttpResponse(
            f"A gift is whole rupees from ₹{low} to ₹{high:,}.", content_type="text/plain; charset=utf-8"
        )
    name = request.GET.get("mentor", "")[:80] if request.GET.get("mentor", "").isprintable() else ""
    return HttpResponse(
        preview_text(price_paise=int(raw) * 100, mentor_name=name), content_type="text/plain; charset=utf-8"
    )


@never_cache
@require_GET
@login_required
def sent(request: HttpRequest, token: str) -> HttpResponse:
    """Where a gift paid from the room returns (in its own tab, so the call goes on)."""
    gift = Gift.objects.filter(reference=f"gift-{token}", learner=request.user).select_related("mentor").first()
    if gift is None:
        raise Http404("No such gift.")
    payment = plugin_api.payment_get(purpose=services.PURPOSE, reference=gift.reference)
    return render(request, "gifting/sent.html", {"gift": gift, "payment": payment})


@require_POST
@login_required
def jar_settings(request: HttpRequest) -> HttpResponse:
    """The mentor's switch: take gifts, or not."""
    if getattr(request.user, "role", None) != "mentor":
        raise PermissionDenied("Only mentors take gifts.")
    accepts = request.POST.get("accepts_gifts") == "on"
    services.gift_jar_set(mentor=request.user, accepts_gifts=accepts)
    messages.success(
        request,
        "Gifts are on: your learners can thank you with one."
        if accepts
        else "Gifts are off: the Gift button is gone for your learners.",
    )
    return redirect(_safe_next(request, "/profile/"))
