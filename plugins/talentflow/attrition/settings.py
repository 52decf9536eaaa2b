"""Attrition settings, read from ``TALENTFLOW_ATTRITION_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from talentflow.core.config import load_settings


class AttritionSettings(BaseSettings):
    """Every field maps to ``TALENTFLOW_ATTRITION_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="TALENTFLOW_ATTRITION_", extra="ignore")

    horizon_months: int = Field(
        default=6,
        ge=1,
        le=24,
        description="Risk = probability of leaving voluntarily within this many months.",
    )
    holdout_months: int = Field(
        default=12, ge=1, description="The latest period held out to compare the model with the rules."
    )
    landmark_step_months: int = Field(default=3, ge=1, description="Months between training landmarks.")
    high_risk_lift: float = Field(
        default=1.5, gt=1, description="High risk: at least this many times the base rate of leaving."
    )
    medium_risk_lift: float = Field(
        default=1.2, gt=0, description="Medium risk: at least this many times it."
    )
    rules_high_score: float = Field(
        default=3, description="Without a calibration: high risk from this rules score."
    )
    rules_medium_score: float = Field(
        default=2, description="Without a calibration: medium risk from this score."
    )
    alert_attempts: int = Field(default=3, ge=1, le=10, description="Delivery attempts per alert and run.")
    alert_backoff_seconds: float = Field(
        default=2.0, ge=0, description="First retry delay; doubles on every further attempt."
    )
    alert_max_total_attempts: int = Field(
        default=9, ge=1, description="After this many failed attempts over all runs, give up."
    )
    rules_file: Path | None = Field(
        default=None, description="Rules CSV; unset = dbt seed attrition_rules.csv."
    )
    hrbp_file: Path | None = Field(
        default=None, description="HR business partners CSV; unset = dbt seed hr_business_partners.csv."
    )
    smtp_conn_id: str = Field(default="smtp_default", description="Airflow SMTP connection for alert e-mail.")


def get_attrition_settings() -> AttritionSettings:
    return load_settings(AttritionSettings)
