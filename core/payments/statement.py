"""A mentor's earnings statement as CSV, as the dashboard's download and the API give it: amounts
in rupees with two decimals, times in the zone asked for, every cell safe from spreadsheet
formulas (``core.exports``)."""

from __future__ import annotations

import csv
import io
from datetime import tzinfo

from django.utils import timezone

from core.exports import row_neutralise
from core.money import paise_to_rupees_text
from core.payments.selectors import earning_list_for_mentor
from core.users.models import User

HEADER = ["Date", "Booking", "Session", "Learner", "Gross (INR)", "Fee (INR)", "Net (INR)", "Status"]
STATEMENT_FILENAME = "peerlearn-earnings.csv"


def earnings_statement_csv(*, mentor: User, zone: tzinfo) -> str:
    """The whole statement of ``mentor``, newest first, as the text of a CSV file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in earning_list_for_mentor(mentor=mentor):
        writer.writerow(
            row_neutralise(
                [
                    timezone.localtime(row.captured_at, zone).strftime("%Y-%m-%d %H:%M"),
                    row.booking_reference if row.booking_id else "",
                    row.session_title if row.booking_id else f"{row.session_title}: {row.booking_reference}",
                    row.learner_name,
                    paise_to_rupees_text(row.gross_paise),
                    paise_to_rupees_text(row.fee_paise),
                    paise_to_rupees_text(row.net_paise),
                    row.status_display,
                ]
            )
        )
    return buffer.getvalue()
