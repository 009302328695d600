"""Run the payments reconciler now (Celery beat runs it every five minutes), e.g. after a webhook outage."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from core.payments.reconcile import ORDER_LOOKBACK, payments_reconcile


class Command(BaseCommand):
    help = (
        "Fetch the gateway's state of stale orders, captures, refunds and payouts and apply it once "
        "(idempotent). Prints how many of each kind changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--orders-lookback-hours",
            type=float,
            default=ORDER_LOOKBACK.total_seconds() / 3600,
            help="Also ask about checkouts this old (default %(default)s; raise it after a long webhook outage).",
        )

    def handle(self, *args, orders_lookback_hours, **options):
        counts = payments_reconcile(orders_lookback=timedelta(hours=orders_lookback_hours))
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
