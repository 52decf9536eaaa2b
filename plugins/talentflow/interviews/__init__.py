"""Interviews on the platform: scoring tasks on object storage, claimed, scored in batches by the
``scoring_tasks`` library and loaded into the warehouse; the ``talentflow interview`` command."""
