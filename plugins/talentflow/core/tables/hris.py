"""TalentFlow's canonical HRIS entities: the raw tables a mapping file maps a vendor's export onto.

Each entity lists its columns with a type (used to convert source values), its natural key, and
which columns are personal data: those go to ``restricted`` and never to ``raw``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from talentflow.core.warehouse import TableSpec

# canonical type -> PostgreSQL type
PG_TYPES = {"text": "text", "date": "date", "number": "double precision", "int": "integer", "bool": "boolean"}
FEATURES = "features"  # jsonb: {feature: value} of the extra columns a mapping declares
PROTECTED_FEATURES = "protected_features"  # jsonb, restricted: those the mapping marks protected
# Attributes that never enter a model, whatever the mapping says; used only to audit it for fairness.
PROTECTED = ("sex", "age", "birth_date", "ethnicity", "marital_status")


@dataclass(frozen=True)
class Entity:
    name: str
    columns: dict[str, str]  # canonical column -> canonical type
    key: tuple[str, ...]
    required: tuple[str, ...] = ()
    pii: tuple[str, ...] = ()  # columns stored in restricted.hris_<name>_pii
    history_key: bool = False  # key by (employee_id, attributes hash): keep every version
    # Extra columns a mapping declares as features (``features:``) are kept as JSON: the ordinary ones
    # in raw (``features``), the protected ones beside the other personal data (``protected_features``).
    keeps_features: bool = False
    description: str = ""
    column_docs: dict[str, str] = field(default_factory=dict)

    @property
    def attribute_columns(self) -> list[str]:
        return [c for c in self.columns if c not in self.pii]

    def raw_spec(self) -> TableSpec:
        cols = {c: PG_TYPES[t] for c, t in self.columns.items() if c not in self.pii}
        if self.keeps_features:
            cols[FEATURES] = "jsonb"
        key = list(self.key)
        if self.history_key:
            cols["version_hash"] = "text"
            key = ["employee_id", "version_hash"]
        return TableSpec("raw", f"hris_{self.name}", cols, key, comment=self.description)

    def pii_spec(self) -> TableSpec | None:
        if not self.pii:
            return None
        cols = {"employee_id": "text", **{c: PG_TYPES[self.columns[c]] for c in self.pii}}
        if self.keeps_features:
            cols[PROTECTED_FEATURES] = "jsonb"
        return TableSpec(
            "restricted",
            f"hris_{self.name}_pii",
            cols,
            ["employee_id"],
            comment=f"Personal data from the HRIS {self.name} export (restricted).",
        )


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in [
        Entity(
            "employees",
            {
                "employee_id": "text",
                "candidate_id": "text",
                "department": "text",
                "job_title": "text",
                "job_family": "text",
                "level": "text",
                "location": "text",
                "manager_id": "text",
                "hire_date": "date",
                "status": "text",
                "employment_type": "text",
                "first_name": "text",
                "last_name": "text",
                "email": "text",
                "phone": "text",
                "birth_date": "date",
                "sex": "text",
                "ethnicity": "text",
            },
            key=("employee_id",),
            required=("employee_id", "hire_date"),
            pii=("first_name", "last_name", "email", "phone", "birth_date", "sex", "ethnicity"),
            history_key=True,
            keeps_features=True,
            description="Employee master data, one row per distinct version of an employee's attributes.",
        ),
        Entity(
            "job_history",
            {
                "employee_id": "text",
                "effective_date": "date",
                "event": "text",
                "job_title": "text",
                "department": "text",
                "job_family": "text",
                "level": "text",
            },
            key=("employee_id", "effective_date", "event"),
            required=("employee_id", "effective_date", "event"),
            description="Positions over time: hires, promotions, transfers.",
        ),
        Entity(
            "performance_reviews",
            {
                "employee_id": "text",
                "review_date": "date",
                "period": "text",
                "rating": "number",
                "reviewer_id": "text",
            },
            key=("employee_id", "review_date"),
            required=("employee_id", "review_date", "rating"),
            description="Performance reviews, rating normalised to 1-5.",
        ),
        Entity(
            "attendance",
            {
                "employee_id": "text",
                "work_date": "date",
                "status": "text",
                "hours": "number",
                "overtime_hours": "number",
            },
            key=("employee_id", "work_date"),
            required=("employee_id", "work_date", "status"),
            description="Daily attendance.",
        ),
        Entity(
            "training",
            {
                "employee_id": "text",
                "course_id": "text",
                "course_name": "text",
                "competency": "text",
                "enrolled_on": "date",
                "completed_on": "date",
                "status": "text",
                "hours": "number",
                "score": "number",
            },
            key=("employee_id", "course_id", "enrolled_on"),
            required=("employee_id", "course_id", "enrolled_on"),
            description="Training enrolments and completions.",
        ),
        Entity(
            "courses",
            {
                "course_id": "text",
                "course_name": "text",
                "competency": "text",
                "hours": "number",
                "delivery_mode": "text",
                "provider": "text",
            },
            key=("course_id",),
            required=("course_id",),
            description="The HRIS course catalogue.",
        ),
        Entity(
            "compensation",
            {
                "employee_id": "text",
                "effective_date": "date",
                "base_salary": "number",
                "currency": "text",
                "reason": "text",
            },
            key=("employee_id", "effective_date"),
            required=("employee_id", "effective_date", "base_salary"),
            description="Base pay over time (annual amount).",
        ),
        Entity(
            "exits",
            {"employee_id": "text", "exit_date": "date", "exit_type": "text", "reason": "text"},
            key=("employee_id", "exit_date"),
            required=("employee_id", "exit_date", "exit_type"),
            description="Leavers: voluntary or involuntary exits.",
        ),
        Entity(
            "snapshot",
            {
                "employee_id": "text",
                "as_of": "date",
                "department": "text",
                "job_role": "text",
                "level": "text",
                "tenure_years": "number",
                "years_since_last_promotion": "number",
                "years_in_role": "number",
                "latest_rating": "number",
                "job_satisfaction": "number",
                "environment_satisfaction": "number",
                "work_life_balance": "number",
                "overtime": "bool",
                "monthly_income": "number",
                "left_company": "bool",
                "age": "int",
                "sex": "text",
                "marital_status": "text",
            },
            key=("employee_id", "as_of"),
            required=("employee_id", "as_of"),
            pii=("age", "sex", "marital_status"),
            keeps_features=True,
            description="One row per employee as of an export date (snapshot exports such as attrition datasets).",
        ),
    ]
}
