-- Pseudonymous key -> HRIS/ATS identifier, for hr_admin only (restricted schema): how an alert about
-- an employee_key reaches the right person without BI ever seeing the identifier.
select distinct employee_key, employee_id, candidate_id
from {{ ref('int_employees_current') }}
