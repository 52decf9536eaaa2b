"""Mappings from real HR products' payloads to the TalentFlow API."""
