-- 每个项目的资金（万元）：年度资金总额、财政拨款、其他资金，按总额从大到小。
-- Funds per project (万元): total, fiscal appropriation and other funds, largest total first.
select
    p.year,
    p.project_name,
    f.total_funds_wan,
    f.fiscal_funds_wan,
    f.other_funds_wan,
    p.source_file
from fct_project_funds as f
inner join dim_project as p
    on f.project_id = p.project_id and f.year = p.year
order by f.total_funds_wan desc, p.project_name asc
