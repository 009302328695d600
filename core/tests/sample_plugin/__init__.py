"""A throwaway plugin for core's tests: it implements every hook specification of
``core.hooks`` (``core/tests/test_plugin_contributions.py`` fails when one is missing), and is
registered with the real plugin manager only for the test that uses it. Like a real plugin, it
imports ``core.hooks`` and ``core.plugin_api`` and nothing else of core."""
