"""The root conftest's guard: an ERROR from core, cms or a plugin fails a test unless expected."""

from __future__ import annotations

import logging
import threading

import pytest

from conftest import _ErrorRecords, unexpected_error_records


def _record(name: str, error: Exception | None = None, thread: int | None = None) -> logging.LogRecord:
    exc_info = (type(error), error, None) if error else None
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, "boom", None, exc_info)
    record.thread = threading.main_thread().ident if thread is None else thread
    return record


@pytest.mark.expect_error_log("core.payments.reconcile")  # this test's own guard sees it too
def test_an_error_of_ours_is_collected_and_unexpected():
    handler = _ErrorRecords()
    logger = logging.getLogger("core")
    logger.addHandler(handler)
    try:
        logging.getLogger("core.payments.reconcile").error("boom")
        logging.getLogger("core.payments.reconcile").warning("only a warning")
    finally:
        logger.removeHandler(handler)

    assert [record.name for record in handler.records] == ["core.payments.reconcile"]
    assert unexpected_error_records(handler.records, expected=(), browser=False) == handler.records


@pytest.mark.parametrize(
    ("expected", "left"),
    [(("core.payments",), []), (("core.payments.reconcile",), []), (("core.pay",), ["core.payments.reconcile"])],
)
def test_an_expected_logger_covers_itself_and_its_children_only(expected, left):
    records = [_record("core.payments.reconcile")]

    assert [r.name for r in unexpected_error_records(records, expected=expected, browser=False)] == left


def test_only_a_browser_tests_own_loop_may_fail_to_push():
    refused = RuntimeError("You cannot use AsyncToSync in the same thread as an async event loop - just await")
    in_test_body = _record("core.realtime.services", refused)
    in_server_thread = _record("core.realtime.services", refused, thread=-1)
    other_error = _record("core.realtime.services", ValueError("x"))

    assert unexpected_error_records([in_test_body], expected=(), browser=True) == []
    assert unexpected_error_records([in_test_body], expected=(), browser=False) == [in_test_body]
    assert unexpected_error_records([in_server_thread, other_error], expected=(), browser=True) == [
        in_server_thread,
        other_error,
    ]


@pytest.mark.expect_error_log("core.tests")
def test_the_marker_lets_a_test_log_an_error(request):
    logging.getLogger("core.tests.example").error("expected here")

    assert request.node.get_closest_marker("expect_error_log").args == ("core.tests",)
