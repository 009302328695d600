"""The static files storage of production: WhiteNoise's compressed manifest storage, which also
rewrites the relative imports of our native ES modules (``static/js/socket.js``,
``static/js/room/*.js``) to the hashed file names. A module's hash then changes whenever a
module it imports changes, so every hashed file can be cached forever and a page never mixes
modules of two deployments."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ModuleManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
