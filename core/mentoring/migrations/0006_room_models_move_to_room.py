from django.db import migrations


class Migration(migrations.Migration):
    """The live room's models moved to the ``room`` app: gone from mentoring's state only; their
    tables (``mentoring_…``) and rows stay, and ``room.0001_initial`` takes them over."""


    dependencies = [
        ('mentoring', '0005_recordings_in_private_storage'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='chatmessage',
                    name='sender',
                ),
                migrations.RemoveField(
                    model_name='chatmessage',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='feedback',
                    name='booking',
                ),
                migrations.RemoveField(
                    model_name='recording',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='recording',
                    name='started_by',
                ),
                migrations.RemoveField(
                    model_name='recordingchunk',
                    name='recording',
                ),
                migrations.RemoveField(
                    model_name='recordingconsent',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='recordingconsent',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='roompresence',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='roompresence',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='sessionattendance',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='topiccheck',
                    name='checked_by',
                ),
                migrations.RemoveField(
                    model_name='topiccheck',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='topictick',
                    name='by',
                ),
                migrations.RemoveField(
                    model_name='topictick',
                    name='session',
                ),
                migrations.DeleteModel(
                    name='BoardStroke',
                ),
                migrations.DeleteModel(
                    name='ChatMessage',
                ),
                migrations.DeleteModel(
                    name='Feedback',
                ),
                migrations.DeleteModel(
                    name='Recording',
                ),
                migrations.DeleteModel(
                    name='RecordingChunk',
                ),
                migrations.DeleteModel(
                    name='RecordingConsent',
                ),
                migrations.DeleteModel(
                    name='RoomPresence',
                ),
                migrations.DeleteModel(
                    name='SessionAttendance',
                ),
                migrations.DeleteModel(
                    name='TopicCheck',
                ),
                migrations.DeleteModel(
                    name='TopicTick',
                ),
            ],
            database_operations=[],
        ),
    ]
