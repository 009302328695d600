"""What anyone may read: public sessions open for booking (searched with the same typo tolerance as
the Browse page) and mentors' public profiles."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import Instant
from core.api.pagination import CursorPage, RankedPage, page_of
from core.bookings.selectors import session_search_public, session_slot_state
from core.mentoring.selectors import (
    mentor_get_public,
    mentor_page_path,
    mentors_public,
    session_card,
    session_get_public,
)
from core.money import split


class MentorBrief(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    page_url = serializers.CharField(help_text="Their public page on the website.")


class SessionCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    mentor = MentorBrief()
    starts_at = Instant()
    ends_at = Instant()
    duration_minutes = serializers.IntegerField()
    price_paise = serializers.IntegerField(help_text="The mentor's price.")
    fee_paise = serializers.IntegerField(help_text="PeerLearn's fee, on top of the price.")
    learner_pays_paise = serializers.IntegerField(help_text="Price plus fee: what the learner pays.")
    topics = serializers.ListField(child=serializers.CharField())
    is_live = serializers.BooleanField()


class SessionDetailSerializer(SessionCardSerializer):
    description = serializers.CharField(allow_blank=True)
    can_book = serializers.BooleanField(help_text="The slot is free and you (a learner) may book it.")
    slot = serializers.ChoiceField(
        choices=["open", "being_booked", "taken"], help_text="`being_booked`: another learner is paying right now."
    )
    my_booking_id = serializers.IntegerField(allow_null=True, help_text="Your open booking of it, if any.")


def card_data(card) -> dict:
    amounts = split(card.price_paise)
    return {
        "id": card.id,
        "title": card.title,
        "mentor": {
            "id": card.mentor_id,
            "name": card.mentor_name,
            "page_url": mentor_page_path(mentor_id=card.mentor_id, name=card.mentor_name),
        },
        "starts_at": card.starts_at,
        "ends_at": card.ends_at,
        "duration_minutes": card.duration_minutes,
        "price_paise": card.price_paise,
        "fee_paise": amounts.fee_paise,
        "learner_pays_paise": card.learner_pays_paise,
        "topics": list(card.topics),
        "is_live": card.is_live,
    }


class SessionSearchQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Typos are forgiven.")
    topic = serializers.CharField(required=False, allow_blank=True, max_length=60)
    price_min_paise = serializers.IntegerField(required=False, min_value=0, max_value=10**9)
    price_max_paise = serializers.IntegerField(required=False, min_value=0, max_value=10**9)
    starts_from = Instant(required=False)
    starts_before = Instant(required=False)


class SessionList(APIView):
    """``GET /api/v1/sessions/``."""

    permission_classes = [AllowAny]
    pagination = RankedPage()

    @extend_schema(
        operation_id="sessions_search",
        summary="Search sessions open for booking",
        description="Public sessions of approved mentors that have not started and are not taken: best match "
        "first when `q` is given, soonest first otherwise. Prices in paise.",
        parameters=[
            SessionSearchQuery,
            OpenApiParameter("cursor", str, description="From `next` or `previous`."),
            OpenApiParameter("page_size", int, description="1 to 100 (20)."),
        ],
        responses={200: page_of(SessionCardSerializer)},
        tags=["sessions"],
    )
    def get(self, request):
        query = SessionSearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        start, size = self.pagination.window(request)
        found = session_search_public(
            text=values.get("q", ""),
            topic=values.get("topic", ""),
            price_min_paise=values.get("price_min_paise"),
            price_max_paise=values.get("price_max_paise"),
            starts_from=values.get("starts_from"),
            starts_before=values.get("starts_before"),
            page=start // size + 1,
            per_page=size,
        )
        page = found.page
        results = [card_data(card) for card in page.object_list] if page.number == start // size + 1 else []
        return self.pagination.response(
            request,
            results=SessionCardSerializer(results, many=True).data,
            start=(page.number - 1) * size if results else start,
            size=size,
            total=found.total,
        )


class SessionDetail(APIView):
    """``GET /api/v1/sessions/{id}/``."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="session_get",
        summary="One public session",
        responses={200: SessionDetailSerializer},
        tags=["sessions"],
    )
    def get(self, request, pk: int):
        session = session_get_public(pk=pk)
        if session is None:
            raise Http404("No such session, or it is no longer public.")
        now = timezone.now()
        state = session_slot_state(session=session, viewer=request.user, now=now)
        slot = "taken" if state.confirmed else "being_booked" if state.held_by_other else "open"
        own = state.own_booking
        user = request.user
        can_book = (
            slot == "open"
            and own is None
            and session.starts_at > now
            and (not user.is_authenticated or (user.role == "learner" and user.pk != session.mentor_id))
        )
        data = {
            **card_data(session_card(session, now=now)),
            "description": session.description,
            "can_book": can_book,
            "slot": slot,
            "my_booking_id": own.pk if own else None,
        }
        return Response(SessionDetailSerializer(data).data)


class MentorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    page_url = serializers.CharField()
    avatar_url = serializers.CharField(allow_blank=True)
    bio = serializers.CharField(allow_blank=True)
    domains = serializers.ListField(child=serializers.CharField())
    skills = serializers.ListField(child=serializers.CharField())


def mentor_data(mentor) -> dict:
    profile = mentor.mentor_profile
    return {
        "id": mentor.pk,
        "name": mentor.name,
        "page_url": mentor_page_path(mentor_id=mentor.pk, name=mentor.name),
        "avatar_url": mentor.avatar.url if mentor.avatar else "",
        "bio": profile.bio,
        "domains": list(profile.domains),
        "skills": list(profile.skills),
    }


class MentorList(APIView):
    """``GET /api/v1/mentors/``."""

    permission_classes = [AllowAny]
    ordering = ("name", "pk")

    @extend_schema(
        operation_id="mentors_list",
        summary="Mentors",
        description="Approved mentors, by name.",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int, description="1 to 100 (20).")],
        responses={200: page_of(MentorSerializer)},
        tags=["mentors"],
    )
    def get(self, request):
        paginator = CursorPage()
        mentors = paginator.paginate_queryset(mentors_public().select_related("mentor_profile"), request, view=self)
        return paginator.get_paginated_response(MentorSerializer([mentor_data(m) for m in mentors], many=True).data)


class MentorDetail(APIView):
    """``GET /api/v1/mentors/{id}/``."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="mentor_get", summary="One mentor", responses={200: MentorSerializer}, tags=["mentors"])
    def get(self, request, pk: int):
        mentor = mentor_get_public(pk=pk)
        if mentor is None:
            raise Http404("No such mentor.")
        return Response(MentorSerializer(mentor_data(mentor)).data)
