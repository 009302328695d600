"""People-facing views outside allauth's own."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.users.suggestions import split_terms, suggest_email, suggest_terms


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """Typo suggestions for the registration form: ``?email=…`` and/or ``?terms=a,b``.

    Answers ``{"email": "a@gmail.com" | null, "terms": {"Pyth": "Python"}}``.
    """
    email = request.GET.get("email", "")[:254]
    terms = split_terms(request.GET.get("terms", "")[:500])
    if not email and not terms:
        return JsonResponse({"error": "Give ?email= or ?terms= to check."}, status=400)
    return JsonResponse({"email": suggest_email(email) if email else None, "terms": suggest_terms(terms)})
