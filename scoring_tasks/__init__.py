"""Interview scoring: task manifests, transcription and rubric scoring (rubrics in ``rubrics/``).

The interview_scoring DAG's steps, one module each (no Airflow imports anywhere here):

* ``manifest``   — ``parse_manifest`` (schema), ``consent_status`` (no consent: human review),
  ``validate_recordings`` (exist, decodable, not silent, long enough); done/failed record models.
* ``transcribe`` — ``Transcriber(...)`` loads faster-whisper once; ``transcribe_many(paths)``.
* ``rubric``     — ``get_rubric(id)``, ``rubric_for_job_family``, ``questions_for(profile)``.
* ``score``      — ``Scorer(rubric, model_version).score_interviews([...])``.
* ``model_version`` — weights and thresholds as data (``models/default.yaml``).
* ``speech_facts``, ``recommend``, ``feedback`` — descriptive facts, advice (never a rejection),
  candidate feedback and the HR explanation record.
* ``pipeline``   — ``process_batch(tasks, recordings, transcriber=...)``: all of the above for a batch.
"""
