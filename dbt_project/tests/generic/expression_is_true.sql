{# Rows where the expression is false fail the test (dbt-utils' test, written here because dbt
   packages cannot be downloaded offline). #}
{% test expression_is_true(model, expression, column_name=None) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
