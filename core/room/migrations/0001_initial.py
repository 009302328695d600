import core.mentoring.storage
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


ROOM_MODELS = [
    "boardstroke", "chatmessage", "feedback", "recording", "recordingchunk", "recordingconsent",
    "roompresence", "sessionattendance", "topiccheck", "topictick",
]


def content_types_move(apps, schema_editor, old="mentoring", new="room"):
    """Permissions (and anything else keyed by content type) follow the models to their app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(app_label=old, model__in=ROOM_MODELS).update(
        app_label=new
    )


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, old="room", new="mentoring")


class Migration(migrations.Migration):
    """The live room's models, taken over from the mentoring app in state only: each keeps its table
    (``db_table = "mentoring_…"``), so an existing database keeps every row."""


    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('bookings', '0003_early_end_answer_and_disputes'),
        ('mentoring', '0006_room_models_move_to_room'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Recording',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(blank=True, max_length=255, storage=core.mentoring.storage.private_storage, upload_to=core.mentoring.storage.recording_upload_to)),
                        ('size_bytes', models.PositiveBigIntegerField(default=0)),
                        ('has_mentor_consent', models.BooleanField()),
                        ('has_learner_consent', models.BooleanField()),
                        ('status', models.CharField(choices=[('uploading', 'Uploading'), ('complete', 'Complete')], default='uploading', max_length=10)),
                        ('created_at', models.DateTimeField()),
                        ('updated_at', models.DateTimeField()),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recordings', to='mentoring.mentoringsession')),
                        ('started_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_recording',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='RecordingChunk',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('offset', models.PositiveBigIntegerField()),
                        ('size_bytes', models.PositiveIntegerField()),
                        ('name', models.CharField(help_text="The part's name in the private storage.", max_length=255)),
                        ('recording', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chunks', to='room.recording')),
                    ],
                    options={
                        'db_table': 'mentoring_recordingchunk',
                        'ordering': ['offset'],
                    },
                ),
                migrations.CreateModel(
                    name='RecordingConsent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('is_given', models.BooleanField(default=False)),
                        ('updated_at', models.DateTimeField()),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recording_consents', to='mentoring.mentoringsession')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_recordingconsent',
                    },
                ),
                migrations.CreateModel(
                    name='RoomPresence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel_name', models.CharField(blank=True, max_length=200)),
                        ('joined_at', models.DateTimeField()),
                        ('seen_at', models.DateTimeField()),
                        ('left_at', models.DateTimeField(blank=True, null=True)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='presences', to='mentoring.mentoringsession')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_roompresence',
                    },
                ),
                migrations.CreateModel(
                    name='SessionAttendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('started_at', models.DateTimeField(blank=True, help_text='When the first participant joined.', null=True)),
                        ('outcome', models.CharField(blank=True, choices=[('attended', 'Both joined'), ('mentor_absent', 'The mentor did not join'), ('learner_absent', 'The learner did not join')], max_length=16)),
                        ('checked_at', models.DateTimeField(blank=True, null=True)),
                        ('session', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='mentoring.mentoringsession')),
                    ],
                    options={
                        'db_table': 'mentoring_sessionattendance',
                    },
                ),
                migrations.CreateModel(
                    name='TopicCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('index', models.PositiveSmallIntegerField()),
                        ('is_done', models.BooleanField(default=False)),
                        ('updated_at', models.DateTimeField()),
                        ('checked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='topic_checks', to='mentoring.mentoringsession')),
                    ],
                    options={
                        'db_table': 'mentoring_topiccheck',
                    },
                ),
                migrations.CreateModel(
                    name='TopicTick',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('index', models.PositiveSmallIntegerField()),
                        ('is_done', models.BooleanField()),
                        ('client_id', models.CharField(blank=True, default='', help_text="The sender's browser's id for it.", max_length=64)),
                        ('created_at', models.DateTimeField()),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='topic_ticks', to='mentoring.mentoringsession')),
                    ],
                    options={
                        'db_table': 'mentoring_topictick',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='BoardStroke',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('data', models.JSONField()),
                        ('point_count', models.PositiveIntegerField()),
                        ('is_undone', models.BooleanField(default=False)),
                        ('is_cleared', models.BooleanField(default=False)),
                        ('client_id', models.CharField(blank=True, default='', help_text="The sender's browser's id for it.", max_length=64)),
                        ('created_at', models.DateTimeField()),
                        ('sender', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='board_strokes', to='mentoring.mentoringsession')),
                    ],
                    options={
                        'db_table': 'mentoring_boardstroke',
                        'ordering': ['id'],
                        'indexes': [models.Index(fields=['session', 'is_cleared', 'id'], name='mentoring_stroke_board_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('point_count__gte', 1)), name='mentoring_stroke_has_points'), models.UniqueConstraint(condition=models.Q(('client_id', ''), _negated=True), fields=('session', 'sender', 'client_id'), name='mentoring_stroke_client_id_once')],
                    },
                ),
                migrations.CreateModel(
                    name='ChatMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(max_length=2000)),
                        ('client_id', models.CharField(blank=True, default='', help_text="The sender's browser's id for it.", max_length=64)),
                        ('created_at', models.DateTimeField()),
                        ('sender', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chat_messages', to='mentoring.mentoringsession')),
                    ],
                    options={
                        'db_table': 'mentoring_chatmessage',
                        'ordering': ['id'],
                        'indexes': [models.Index(fields=['session', 'id'], name='mentoring_chat_session_idx'), models.Index(fields=['sender', 'created_at'], name='mentoring_chat_rate_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('client_id', ''), _negated=True), fields=('session', 'sender', 'client_id'), name='mentoring_chat_client_id_once')],
                    },
                ),
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.PositiveSmallIntegerField()),
                        ('comment', models.TextField(blank=True, max_length=2000)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('booking', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='feedback', to='bookings.booking')),
                    ],
                    options={
                        'verbose_name_plural': 'feedback',
                        'db_table': 'mentoring_feedback',
                        'constraints': [models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 5)), name='mentoring_feedback_rating_1_to_5')],
                    },
                ),
                migrations.AddIndex(
                    model_name='recording',
                    index=models.Index(fields=['status', 'created_at'], name='mentoring_recording_age_idx'),
                ),
                migrations.AddConstraint(
                    model_name='recording',
                    constraint=models.CheckConstraint(condition=models.Q(('has_learner_consent', True), ('has_mentor_consent', True)), name='mentoring_recording_consented'),
                ),
                migrations.AddConstraint(
                    model_name='recordingchunk',
                    constraint=models.UniqueConstraint(fields=('recording', 'offset'), name='mentoring_chunk_offset_once'),
                ),
                migrations.AddConstraint(
                    model_name='recordingconsent',
                    constraint=models.UniqueConstraint(fields=('session', 'user'), name='mentoring_consent_once'),
                ),
                migrations.AddIndex(
                    model_name='roompresence',
                    index=models.Index(fields=['session', 'user', 'joined_at'], name='mentoring_presence_idx'),
                ),
                migrations.AddConstraint(
                    model_name='topiccheck',
                    constraint=models.UniqueConstraint(fields=('session', 'index'), name='mentoring_topic_check_once'),
                ),
                migrations.AddConstraint(
                    model_name='topictick',
                    constraint=models.UniqueConstraint(condition=models.Q(('client_id', ''), _negated=True), fields=('session', 'by', 'client_id'), name='mentoring_tick_client_id_once'),
                ),
            ],
            database_operations=[
                migrations.RunPython(content_types_move, content_types_move_back),
            ],
        ),
    ]
