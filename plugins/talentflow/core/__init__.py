"""The platform core every domain builds on: configuration, the embedded runtime, object storage,
the warehouse and its table registry, data-quality gates, notifications and Airflow wiring.

Nothing in here imports a domain package (resumes, interviews, hris, …); the import contract in
``tests/unit/test_import_contract.py`` keeps it that way."""
