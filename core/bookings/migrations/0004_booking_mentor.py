"""A booking keeps its session's mentor, so a mentor's requests are found by index."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_early_end_answer_and_disputes"),
        ("mentoring", "0006_room_models_move_to_room"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="mentor",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=models.PROTECT,
                related_name="bookings_received",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(
            "UPDATE bookings_booking SET mentor_id = ("
            "SELECT mentor_id FROM mentoring_mentoringsession WHERE mentoring_mentoringsession.id = bookings_booking.session_id)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="booking",
            name="mentor",
            field=models.ForeignKey(
                editable=False,
                on_delete=models.PROTECT,
                related_name="bookings_received",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["learner", "status"], name="bookings_learner_status_idx"),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["mentor", "-created_at"], name="bookings_mentor_created_idx"),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(condition=Q(status="pending"), fields=["mentor"], name="bookings_pending_by_mentor"),
        ),
    ]
