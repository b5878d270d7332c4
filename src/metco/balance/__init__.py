"""The store's money: a double-entry ledger of sales, fees, refunds and payouts; payouts; sales reports."""
