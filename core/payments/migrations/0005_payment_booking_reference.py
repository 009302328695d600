"""Existing payments are all for bookings: their ``purpose`` is "booking" (the column's default)
and their ``reference`` becomes their booking's reference, as for every new booking payment."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Booking = apps.get_model("bookings", "Booking")
    booking_reference = Booking.objects.filter(pk=OuterRef("booking_id")).values("reference")[:1]
    Payment.objects.filter(booking__isnull=False, reference="").update(
        purpose="booking", reference=Subquery(booking_reference)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
        ("payments", "0004_payment_purpose"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
