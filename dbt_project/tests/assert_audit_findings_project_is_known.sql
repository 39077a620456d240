-- Every finding names a known project: one of dim_project (it has a 绩效目标表) or, for a project
-- self-evaluated without any target table, of fct_project_execution.
select findings.finding_id, findings.project_id, findings.rule

from {{ ref('audit_findings') }} as findings

where
    findings.project_id not in (select project_id from {{ ref('dim_project') }})
    and findings.project_id not in (select project_id from {{ ref('fct_project_execution') }})
