"""A small stand-in for Razorpay's HTTP API, on top of ``responses``: it answers the way Razorpay does
(ids, statuses, idempotency headers), and keeps every request so tests can assert the bodies sent."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re

import responses
from razorpay.constants.url import URL

API = URL.BASE_URL + URL.V1  # where the SDK sends every call
KEY_ID = "rzp_test_contract00000"
KEY_SECRET = "contract-key-secret"
WEBHOOK_SECRET = "contract-webhook-secret"
ACCOUNT_NUMBER = "7878780080316316"


def _error(status: int, description: str, code: str = "BAD_REQUEST_ERROR"):
    return status, {}, json.dumps({"error": {"code": code, "description": description}})


class FakeRazorpay:
    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.orders: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.refund_keys: dict[str, str] = {}
        self.payouts: dict[str, dict] = {}
        self.payout_keys: dict[str, str] = {}
        self._ids = itertools.count(1)
        routes = [
            ("POST", r"/orders$", "_order_create"),
            ("GET", r"/orders/(?P<id>[^/]+)/payments$", "_order_payments"),
            ("GET", r"/payments/(?P<id>[^/]+)$", "_payment_fetch"),
            ("POST", r"/payments/(?P<id>[^/]+)/capture$", "_capture"),
            ("POST", r"/payments/(?P<id>[^/]+)/refund$", "_refund"),
            ("GET", r"/refunds/(?P<id>[^/]+)$", "_refund_fetch"),
            ("POST", r"/contacts$", "_contact"),
            ("POST", r"/fund_accounts$", "_fund_account"),
            ("POST", r"/payouts$", "_payout_create"),
            ("GET", r"/payouts/(?P<id>[^/]+)$", "_payout_fetch"),
        ]
        for method, path, handler in routes:
            mock.add_callback(
                method, re.compile(re.escape(API) + path.replace("$", r"(\?.*)?$")), self._wrap(handler, path)
            )

    def _wrap(self, handler_name, path):
        pattern = re.compile(path.replace("$", ""))

        def callback(request):
            match = pattern.search(request.path_url.split("?")[0].removeprefix("/v1"))
            body = json.loads(request.body) if request.body else {}
            handler = getattr(self, handler_name)  # looked up per call, so a test can swap one
            result = handler(request, body, **match.groupdict())
            if isinstance(result, tuple):
                return result
            return 200, {}, json.dumps(result)

        return callback

    def _new(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):014d}"

    # What Checkout does in the browser: the learner pays, the payment is authorized.
    def checkout_pay(self, order_id: str) -> tuple[str, str]:
        order = self.orders[order_id]
        payment_id = self._new("pay")
        self.payments[payment_id] = {
            "id": payment_id,
            "entity": "payment",
            "amount": order["amount"],
            "currency": "INR",
            "status": "authorized",
            "order_id": order_id,
            "captured": False,
        }
        order["status"] = "attempted"
        signature = hmac.new(KEY_SECRET.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()
        return payment_id, signature

    def calls(self, method: str, path_end: str) -> list:
        return [
            call
            for call in self.mock.calls
            if call.request.method == method and call.request.path_url.split("?")[0].endswith(path_end)
        ]

    # --- handlers ---

    def _order_create(self, request, body):
        order_id = self._new("order")
        self.orders[order_id] = {
            "id": order_id,
            "entity": "order",
            "amount": body["amount"],
            "currency": body["currency"],
            "receipt": body["receipt"],
            "status": "created",
            "notes": body.get("notes", {}),
        }
        return self.orders[order_id]

    def _order_payments(self, request, body, id):
        items = [p for p in self.payments.values() if p["order_id"] == id]
        return {"entity": "collection", "count": len(items), "items": items}

    def _payment_fetch(self, request, body, id):
        if id not in self.payments:
            return _error(400, "The id provided does not exist")
        return self.payments[id]

    def _capture(self, request, body, id):
        payment = self.payments[id]
        if payment["status"] != "authorized":
            return _error(400, "This payment has already been captured")
        if body["amount"] != payment["amount"]:
            return _error(400, "Capture amount must be equal to the amount authorized")
        payment.update(status="captured", captured=True)
        self.orders[payment["order_id"]]["status"] = "paid"
        return payment

    def _refund(self, request, body, id):
        key = request.headers.get("X-Refund-Idempotency", "")
        if key in self.refund_keys:
            return self.refunds[self.refund_keys[key]]
        payment = self.payments[id]
        if payment["status"] != "captured":
            return _error(400, "The payment has not been captured")
        refund_id = self._new("rfnd")
        self.refunds[refund_id] = {
            "id": refund_id,
            "entity": "refund",
            "amount": body["amount"],
            "currency": "INR",
            "payment_id": id,
            "status": "processed",
            "speed_requested": body.get("speed"),
            "notes": body.get("notes", {}),
        }
        if key:
            self.refund_keys[key] = refund_id
        if body["amount"] == payment["amount"]:
            payment["status"] = "refunded"
        return self.refunds[refund_id]

    def _refund_fetch(self, request, body, id):
        return self.refunds[id]

    def _contact(self, request, body):
        return {"id": "cont_00000000000001", "entity": "contact", **body}

    def _fund_account(self, request, body):
        return {"id": "fa_00000000000001", "entity": "fund_account", "active": True, **body}

    def _payout_create(self, request, body):
        key = request.headers.get("X-Payout-Idempotency", "")
        if not key:
            return _error(400, "Idempotency key is missing. Include idempotency header and key in the request.")
        if key in self.payout_keys:
            return self.payouts[self.payout_keys[key]]
        payout_id = self._new("pout")
        self.payouts[payout_id] = {
            "id": payout_id,
            "entity": "payout",
            "fund_account_id": body["fund_account_id"],
            "amount": body["amount"],
            "currency": body["currency"],
            "status": "processing",
            "mode": body["mode"],
            "purpose": body["purpose"],
            "reference_id": body.get("reference_id"),
        }
        self.payout_keys[key] = payout_id
        return self.payouts[payout_id]

    def _payout_fetch(self, request, body, id):
        return self.payouts[id]
