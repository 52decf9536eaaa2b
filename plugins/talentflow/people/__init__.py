"""People's rights: subject access (``export``), erasure with tombstones (``erase``), consent
withdrawal (``consent``), the refusals the pipelines ask for (``refusals``) and retention of personal
data in the warehouse (``retention``). See docs/people_rights.md."""
