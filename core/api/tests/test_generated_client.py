"""A client generated from the OpenAPI schema (openapi-python-client) books a session end to end
against a live server: if the schema and the API drift apart, a phone app's generated client breaks
here first. Sign in (learner and mentor), search, book, pay in test mode, the mentor accepts, the
learner cancels, the receipt shows the refund; only the generated functions and models are used."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from core.mentoring.tests.factories import session_make
from core.users.services import mentor_approve

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "peerlearn_api_client"


@pytest.fixture(scope="session")
def api_client_package(tmp_path_factory):
    """The client generated from the schema, importable as ``peerlearn_api_client`` (once per session)."""
    root = tmp_path_factory.mktemp("generated-client")
    schema = root / "schema.json"
    schema.write_bytes(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    config = root / "config.yaml"
    config.write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n")  # no ruff on generated code
    command = [GENERATOR, "generate", "--path", schema, "--output-path", root / PACKAGE, "--meta", "none"]
    generated = subprocess.run(
        [*command, "--config", config],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_books_pays_and_cancels(api_client_package, live_server, learner, mentor, password):
    client_module = api_client_package
    models = importlib.import_module(f"{PACKAGE}.models")
    auth_token_create = importlib.import_module(f"{PACKAGE}.api.auth.auth_token_create")
    sessions_search = importlib.import_module(f"{PACKAGE}.api.sessions.sessions_search")
    booking_create = importlib.import_module(f"{PACKAGE}.api.bookings.booking_create")
    testmode_order_pay = importlib.import_module(f"{PACKAGE}.api.test_mode.testmode_order_pay")
    booking_payment_confirm = importlib.import_module(f"{PACKAGE}.api.bookings.booking_payment_confirm")
    booking_accept = importlib.import_module(f"{PACKAGE}.api.bookings.booking_accept")
    booking_cancel = importlib.import_module(f"{PACKAGE}.api.bookings.booking_cancel")
    booking_get = importlib.import_module(f"{PACKAGE}.api.bookings.booking_get")
    receipts_list = importlib.import_module(f"{PACKAGE}.api.bookings.receipts_list")

    mentor_approve(mentor=mentor)
    session = session_make(mentor=mentor, title="Pandas for analysts", hours_from_now=72, price_paise=50_000)

    def signed_in(user):
        anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)
        body = models.SignInRequest(email=user.email, password=password)
        tokens = auth_token_create.sync(client=anonymous, body=body)
        assert isinstance(tokens, models.TokenPair), tokens
        return client_module.AuthenticatedClient(
            base_url=live_server.url, token=tokens.access, raise_on_unexpected_status=True
        )

    as_learner, as_mentor = signed_in(learner), signed_in(mentor)

    found = sessions_search.sync(client=as_learner, q="pnadas")  # a typo, as on Browse
    assert isinstance(found, models.SessionCardPage), found
    assert [card.id for card in found.results] == [session.pk]
    assert found.results[0].learner_pays_paise == 55_000

    booked = booking_create.sync(
        client=as_learner, body=models.StartRequest(session_id=session.pk), idempotency_key="book-pandas-1"
    )
    assert isinstance(booked, models.BookingWithCheckout), booked
    assert booked.status == "held" and booked.checkout.test_mode and booked.checkout.amount_paise == 55_000

    answer = testmode_order_pay.sync(order_id=booked.checkout.order_id, client=as_learner)
    assert isinstance(answer, models.TestPayment), answer
    paid = booking_payment_confirm.sync(
        id=booked.id,
        client=as_learner,
        body=models.PaymentAnswerRequest(
            razorpay_order_id=answer.razorpay_order_id,
            razorpay_payment_id=answer.razorpay_payment_id,
            razorpay_signature=answer.razorpay_signature,
        ),
    )
    assert isinstance(paid, models.BookingDetail), paid
    assert paid.status == "pending" and paid.can_answer is False

    refused = booking_accept.sync(id=booked.id, client=as_learner)
    assert isinstance(refused, models.Problem) and refused.status == 403
    accepted = booking_accept.sync(id=booked.id, client=as_mentor)
    assert isinstance(accepted, models.BookingDetail), accepted
    assert accepted.status == "confirmed"

    cancelled = booking_cancel.sync(id=booked.id, client=as_learner)
    assert isinstance(cancelled, models.BookingDetail), cancelled
    assert cancelled.status == "cancelled"
    assert booking_get.sync(id=booked.id, client=as_mentor).status == "cancelled"

    receipts = receipts_list.sync(client=as_learner)
    assert isinstance(receipts, models.ReceiptPage), receipts
    assert [(row.booking_id, row.status, row.refunded_paise) for row in receipts.results] == [
        (booked.id, "refunded", 55_000)
    ]
