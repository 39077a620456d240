-- 承诺与报告：每个项目的计划资金与指标数，对照年终自评的执行数、执行率、自评指标数、改动的目标、未达到的目标与总分。
-- Promised vs reported per project: planned funds and indicators next to the year-end
-- self-evaluation's executed amount, execution rate, indicators evaluated, targets changed,
-- targets missed and total score. A project not yet self-evaluated shows nulls on the right.
with planned as (
    select project_id, year, count(*) as indicators_planned
    from fct_indicator
    group by project_id, year
),

evaluated as (
    select
        project_id,
        year,
        count(*) as indicators_evaluated,
        count(*) filter (where target_changed) as targets_changed,
        count(*) filter (where not achieved) as targets_missed
    from fct_target_vs_actual
    group by project_id, year
)

select
    p.year,
    p.project_name,
    f.total_funds_wan as planned_funds_wan,
    e.executed_wan,
    e.execution_rate,
    coalesce(pl.indicators_planned, 0) as indicators_planned,
    ev.indicators_evaluated,
    ev.targets_changed,
    ev.targets_missed,
    e.total_score,
    p.source_file as plan_file,
    e.source_file as self_evaluation_file
from dim_project as p
inner join fct_project_funds as f
    on p.project_id = f.project_id and p.year = f.year
left join fct_project_execution as e
    on p.project_id = e.project_id and p.year = e.year
left join planned as pl
    on p.project_id = pl.project_id and p.year = pl.year
left join evaluated as ev
    on p.project_id = ev.project_id and p.year = ev.year
order by p.year asc, e.total_score asc nulls last, p.project_name asc
