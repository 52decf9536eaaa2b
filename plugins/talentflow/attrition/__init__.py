"""Attrition risk: HR-editable rules, a calibrated statistical model evaluated on a held-out later
period (the better of the two is used, and the choice is recorded), daily scores, and alerts to HR
business partners. See ``features`` for how training rows are built without look-ahead."""
