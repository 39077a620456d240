-- 全部审计发现，严重的在前：项目、规则、指标、源文件与页码，以及中英双语说明，便于逐条对照原件。
-- Every audit finding, most severe first: project, rule, indicator, source file and page, and the
-- bilingual detail, so each one can be checked against the printed page.
select
    a.severity,
    a.rule,
    p.project_name,
    i.indicator_name,
    a.source_file,
    a.page,
    a.detail
from audit_findings as a
inner join dim_project as p
    on a.project_id = p.project_id and a.year = p.year
left join fct_indicator as i
    on a.indicator_id = i.indicator_id
order by
    case a.severity when 'high' then 1 when 'medium' then 2 else 3 end asc,
    a.rule asc,
    p.project_name asc,
    a.page asc,
    a.finding_id asc
