{# A stable pseudonymous key: BI sees this, never the HRIS/ATS identifier. HMAC-SHA256 under a secret
   that lives only in the warehouse (keyring.pseudonym_key, readable by its owner alone; installed by
   `talentflow up` from TALENTFLOW_PSEUDONYM_SECRET): the compiled SQL and every view definition show
   this function call, never the secret. hr_admin maps keys back through restricted.employee_key_map. #}
{% macro pseudonym(column, kind) -%}
    restricted.pseudonym('{{ kind }}', ({{ column }})::text)
{%- endmacro %}
