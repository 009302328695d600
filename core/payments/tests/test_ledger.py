import pytest

from core.payments import ledger
from core.payments.ledger import Line, UnbalancedEntry
from core.payments.models import AccountKind, JournalEntry, Posting

pytestmark = pytest.mark.django_db


def test_an_entry_must_balance(mentor):
    with pytest.raises(UnbalancedEntry, match="sum to 10"):
        ledger.post(
            reference="x",
            memo="bad",
            lines=[Line(AccountKind.GATEWAY_CLEARING, 110), Line(AccountKind.MENTOR_PENDING, -100, mentor)],
        )
    assert not JournalEntry.objects.exists()


def test_posting_the_same_reference_twice_writes_once(mentor):
    lines = [
        Line(AccountKind.GATEWAY_CLEARING, 1100),
        Line(AccountKind.MENTOR_PENDING, -900, mentor),
        Line(AccountKind.PLATFORM_REVENUE, -200),
    ]
    first, created = ledger.post(reference="capture:1", memo="m", lines=lines)
    again, created_again = ledger.post(reference="capture:1", memo="m", lines=lines)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Posting.objects.count() == 3
    assert ledger.balance(kind=AccountKind.MENTOR_PENDING, user=mentor) == 900
    assert ledger.balance(kind=AccountKind.PLATFORM_REVENUE) == 200
    assert ledger.balance(kind=AccountKind.GATEWAY_CLEARING) == 1100
    assert ledger.entries_balanced()


def test_balances_are_per_person(mentor, other_mentor):
    ledger.post(
        reference="a",
        memo="m",
        lines=[Line(AccountKind.GATEWAY_CLEARING, 500), Line(AccountKind.MENTOR_AVAILABLE, -500, mentor)],
    )
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor) == 500
    assert ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=other_mentor) == 0
