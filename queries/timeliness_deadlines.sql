-- 各项目的时效指标：印刷的指标值、解析出的截止日期及是否落在本表年度内，附页码。
-- Timeliness (时效) indicators per project: the printed target, the parsed deadline and whether it
-- falls in the table's year, with the page to check.
select
    p.year,
    p.project_name,
    i.indicator_name,
    i.target_raw,
    i.target_date,
    coalesce(year(i.target_date) = i.year, false) as deadline_in_table_year,
    i.page
from fct_indicator as i
inner join dim_project as p
    on i.project_id = p.project_id and i.year = p.year
where i.level2 = '时效指标'
order by p.year asc, p.project_name asc, i.indicator_seq asc
