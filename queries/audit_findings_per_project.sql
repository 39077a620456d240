-- 每个项目的审计发现数（按严重程度），没有发现的项目也列出（计 0）。
-- Audit findings per project by severity; projects without findings are listed too, with zeros.
select
    p.year,
    p.project_name,
    count(a.finding_id) filter (where a.severity = 'high') as high,
    count(a.finding_id) filter (where a.severity = 'medium') as medium,
    count(a.finding_id) filter (where a.severity = 'low') as low,
    count(a.finding_id) as findings
from dim_project as p
left join audit_findings as a
    on p.project_id = a.project_id and p.year = a.year
group by p.year, p.project_name
order by findings desc, p.year asc, p.project_name asc
