"""The migrations that gave ``Payment`` its purpose apply on a database that already has payments."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.bookings.tests.factories import book_and_pay
from core.mentoring.tests.factories import approved_mentor, session_make

BEFORE = [("payments", "0003_payment_capture_attempted_at")]
AFTER = [("payments", "0005_payment_booking_reference")]


@pytest.mark.django_db(transaction=True)
def test_existing_booking_payments_become_purpose_booking_with_their_bookings_reference(learner):
    booking = book_and_pay(session_make(mentor=approved_mentor()), learner)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # as before the purpose existed: the payment row stays
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("payments", "Payment")
        assert old.objects.get().booking_id == booking.pk
        assert "purpose" not in {field.name for field in old._meta.get_fields()}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(AFTER).apps.get_model("payments", "Payment")
    payment = new.objects.get()
    assert (payment.purpose, payment.reference, payment.booking_id) == ("booking", booking.reference, booking.pk)
