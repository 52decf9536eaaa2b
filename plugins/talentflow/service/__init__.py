"""The HR-system API (``talentflow serve``): OAuth 2.0 client credentials, requisitions, candidates with
resumes, consents, the assessment-partner interview surface, decisions, onboarding hand-off and
Standard-Webhooks callbacks. It writes what the DAGs read and reads what they wrote; it never scores."""
