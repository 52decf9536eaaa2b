{# A stable pseudonymous key: BI sees this, never the HRIS/ATS identifier. hr_admin can map it back
   through restricted.employee_key_map. #}
{% macro pseudonym(column, kind) -%}
    md5('{{ var("pseudonym_salt") }}' || ':{{ kind }}:' || {{ column }})
{%- endmacro %}
