"""Reads about money, shaped for the dashboards, one module per entity: ``balance`` (from the
ledger, never stored numbers), ``earning`` (a mentor's statement and analytics), ``figures`` (the platform's money over
time, for the admin), ``receipt`` (a learner's receipts) and ``withdrawal``. Import from here.
"""

from core.payments.selectors.balance import (
    ASSET_KINDS,
    account_statement,
    balances_get,
    platform_unearned_paise,
    platform_withdrawable_paise,
)
from core.payments.selectors.earning import (
    EarningRow,
    EarningTotals,
    WeekPoint,
    analytics_busiest_hours_for_mentor,
    analytics_weekly_for_mentor,
    earning_count_for_mentor,
    earning_list_for_mentor,
    earning_queryset_for_mentor,
    earning_rows,
    earning_totals_for_mentor,
)
from core.payments.selectors.figures import MoneyFigures, money_figures, money_series, payouts_due
from core.payments.selectors.receipt import (
    RECEIPT_STATUS_DISPLAY,
    ReceiptRow,
    ReceiptTotals,
    receipt_count_for_learner,
    receipt_get_for_learner,
    receipt_list_for_learner,
    receipt_queryset_for_learner,
    receipt_rows,
    receipt_totals_for_learner,
)
from core.payments.selectors.withdrawal import (
    withdrawal_has_any,
    withdrawal_list_for_user,
    withdrawal_queryset_for_user,
)

__all__ = [
    "ASSET_KINDS",
    "RECEIPT_STATUS_DISPLAY",
    "EarningRow",
    "EarningTotals",
    "MoneyFigures",
    "ReceiptRow",
    "ReceiptTotals",
    "WeekPoint",
    "account_statement",
    "analytics_busiest_hours_for_mentor",
    "analytics_weekly_for_mentor",
    "balances_get",
    "earning_count_for_mentor",
    "earning_list_for_mentor",
    "earning_queryset_for_mentor",
    "earning_rows",
    "earning_totals_for_mentor",
    "money_figures",
    "money_series",
    "payouts_due",
    "platform_unearned_paise",
    "platform_withdrawable_paise",
    "receipt_count_for_learner",
    "receipt_get_for_learner",
    "receipt_list_for_learner",
    "receipt_queryset_for_learner",
    "receipt_rows",
    "receipt_totals_for_learner",
    "withdrawal_has_any",
    "withdrawal_list_for_user",
    "withdrawal_queryset_for_user",
]
