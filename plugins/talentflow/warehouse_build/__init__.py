"""The warehouse build: the dbt project run through astronomer-cosmos, grants, docs and the
rule-based recommendations the marts compute."""
