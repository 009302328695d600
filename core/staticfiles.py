"""The static files storages: hashed names that can be cached forever, with the relative imports
of our native ES modules (``static/js/socket.js``, ``static/js/room/*.js``) rewritten to the hashed
file names. A module's hash then changes whenever a module it imports changes, so every hashed file
can be cached forever and a page never mixes modules of two deployments.

Production (``DEBUG`` off) also writes each file gzipped and brotli-compressed (WhiteNoise), which
costs three quarters of collectstatic's time; ``make run`` (``DEBUG`` on) skips that and serves
the files as they are."""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ModuleManifestStaticFilesStorage(ManifestStaticFilesStorage):
    support_js_module_import_aggregation = True


class CompressedModuleManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
