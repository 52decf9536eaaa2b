"""Retention of personal data: what is deleted when, and the audit trail of every deletion."""
