"""Feedback retraining: learn from later job performance which interview dimensions predict success.

The monthly ``feedback_retraining`` DAG wires these modules together:

* ``dataset``  — each interviewed candidate's competency scores, and for hires their ratings about
  6 and 12 months after hire (``marts.employee_lifecycle_profile``);
* ``validity`` — per job family and predictor: Pearson/Spearman r, Fisher-z CI and the
  range-restriction-corrected r (Thorndike case II) → ``raw.interview_validity``;
* ``reweight`` — new competency weights per job family (non-negative, summing to one, ridge-pulled
  toward the active weights, the pull chosen by cross-validation) where there are enough hires;
* ``guard``    — a candidate version must beat the active one on held-out hires and must not worsen
  adverse impact by sex or ethnicity;
* ``registry`` — every version with its metrics in ``audit.scoring_model_versions`` and its YAML
  artefact under ``models/scoring/``; approvals, promotion, rollback and ``active_version()``;
* ``backfill`` — re-scoring old interviews under another version (new rows, old scores kept).
"""
