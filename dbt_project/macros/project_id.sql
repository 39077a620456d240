{#-
    project_id(department_code_key, department_name_key, project_name_key, unnamed): the id of a
    project, the same for its 绩效目标表 (int_projects_pivoted) and its 自评表 when no 绩效目标表
    gives it one (int_self_eval_projects_pivoted): 16 hex digits of the md5 of the normalised
    department code, the normalised department name and the normalised project name. The name of
    the department is part of it because a code alone does not tell departments apart: each
    county numbers its own budget units, so two counties' departments print the same code (and
    many tables print none) and, in the same year, the same project name (就业创业补助资金);
    without it the two would be one project and all but one source of them dropped.
    `unnamed` is what stands for a project whose name could not be read (one id per table).
    Every argument is a SQL expression that may be null; null counts as ''.
-#}
{%- macro project_id(department_code_key, department_name_key, project_name_key, unnamed) -%}
left(
    md5(
        coalesce({{ department_code_key }}, '')
        || '|'
        || coalesce({{ department_name_key }}, '')
        || '|'
        || coalesce({{ project_name_key }}, {{ unnamed }})
    ),
    16
)
{%- endmacro -%}

