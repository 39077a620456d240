-- 各一级、二级指标的指标数，其中必填、硬性各多少，以及涉及多少项目。
-- Indicators per first- and second-level category: how many, how many mandatory (必填) and hard
-- (硬性), and in how many projects.
select
    level1,
    level2,
    count(*) as indicators,
    count(*) filter (where is_mandatory) as mandatory,
    count(*) filter (where is_hard) as hard,
    count(distinct project_id) as projects
from fct_indicator
group by level1, level2
order by
    case level1 when '产出指标' then 1 when '效益指标' then 2 when '满意度指标' then 3 else 4 end asc,
    indicators desc,
    level2 asc
