"""The live session room's server side: who may enter, what is saved, what the clock decides.

- ``access``: ``room_access_get()``, the one answer to "may this person use this room now?",
  used by the page, the socket (on connect and before every change) and the HTTP endpoints.
- ``presence``, ``chat``, ``board``, ``topics``, ``recording``: the writes. Each saves first and
  broadcasts to the room's sockets after the commit (``broadcast``).
- ``attendance``: the no-show rule, time running out, the mentor ending the session.
- ``feedback``: the learner's rating after a completed session they attended.
- ``selectors``: the reads (the state a socket gets on ``welcome``, recordings, ratings).

The socket protocol is written down in ``core/room/consumers.py``.
"""
