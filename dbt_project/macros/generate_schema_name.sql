{# Models land in exactly the schema they name (staging, intermediate, marts), not target_schema_staging:
   the warehouse's grants are per schema. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
