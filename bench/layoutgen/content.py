"""Random but plausible content: departments, projects, funds, indicators, self-evaluations.

Why: the reader must work on what departments write, not on the eight sample projects. Content
follows the national framework (财预〔2021〕101号): 一级 产出/效益/满意度 → 二级 → free-text 三级
with
targets in the shapes the domain notes list ("≥90%", "2280次", "2024年底", "明显提高" …).
Everything here is data drawn with one ``random.Random``; nothing depends on the layout except the
two flags passed in (split targets must be composable, amounts may be printed in 元).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COUNTIES = (
    "青山县",
    "临溪县",
    "安和县",
    "永宁县",
    "清河县",
    "云岭县",
    "石门县",
    "柳江县",
    "平川县",
    "东源县",
    "南华县",
    "北泉县",
    "西林县",
    "长丰县",
    "新安县",
    "宁远县",
    "桃源县",
    "汉阴县",
    "白河县",
    "龙门县",
)

# department kind -> (name suffix, code prefix, implementing units, project topics)
# a topic: (project name, object noun, action noun, unit of count, beneficiaries)
DEPARTMENTS: dict[str, tuple[str, tuple[str, ...], tuple[tuple[str, str, str, str, str], ...]]] = {
    "农业农村局": (
        "10",
        ("农业技术推广中心", "动物疫病预防控制中心", "农村经营管理站", "农业农村局"),
        (
            ("高标准农田建设项目", "高标准农田", "农田建设", "亩", "种植户"),
            ("动物疫病防控经费", "免疫牲畜", "疫苗注射", "头", "养殖户"),
            ("农村人居环境整治", "整治村庄", "环境整治", "个", "村民"),
            ("农作物病虫害防治", "防治面积", "统防统治", "亩", "种植户"),
        ),
    ),
    "林业和草原局": (
        "17",
        ("国有林场", "林业工作站", "森林防火指挥部办公室"),
        (
            ("天然林资源保护", "管护面积", "巡山护林", "万亩", "护林员"),
            ("森林草原防火", "防火巡查", "防火宣传", "次", "群众"),
            ("人工造林补助", "造林面积", "苗木栽植", "亩", "农户"),
        ),
    ),
    "水务局": (
        "12",
        ("农村供水管理站", "河道管理所", "水土保持站"),
        (
            ("农村供水管网改造", "改造管网", "管网铺设", "公里", "农村群众"),
            ("河湖长制工作经费", "河湖巡查", "问题整治", "次", "沿河群众"),
            ("小流域综合治理", "治理面积", "综合治理", "平方公里", "项目区群众"),
        ),
    ),
    "教育局": (
        "21",
        ("第一中学", "实验小学", "教师发展中心", "学生资助管理中心"),
        (
            ("校舍维修改造工程", "维修校舍", "维修改造", "平方米", "师生"),
            ("学生营养改善计划", "受益学生", "营养餐供应", "人", "学生家长"),
            ("教师培训经费", "培训教师", "集中培训", "人次", "参训教师"),
        ),
    ),
    "卫生健康委员会": (
        "25",
        ("疾病预防控制中心", "人民医院", "妇幼保健院"),
        (
            ("基本公共卫生服务项目", "建档居民", "健康管理", "人", "辖区居民"),
            ("疫苗接种工作经费", "接种剂次", "预防接种", "剂次", "受种者"),
            ("家庭医生签约服务", "签约人数", "签约服务", "人", "签约居民"),
        ),
    ),
    "民政局": (
        "31",
        ("社会福利院", "救助管理站", "民政局"),
        (
            ("城乡低保资金", "保障人数", "低保发放", "人", "低保对象"),
            ("特困人员供养经费", "供养人数", "集中供养", "人", "特困人员"),
            ("养老服务补贴", "补贴老人", "居家养老服务", "人", "老年人"),
        ),
    ),
    "住房和城乡建设局": (
        "13",
        ("环境卫生管理所", "市政设施管理所", "住房保障中心"),
        (
            ("农村危房改造", "改造户数", "危房改造", "户", "改造户"),
            ("城区道路维修", "维修道路", "道路维修", "公里", "沿线居民"),
            ("老旧小区改造", "改造小区", "小区改造", "个", "小区居民"),
        ),
    ),
    "人力资源和社会保障局": (
        "33",
        ("就业服务中心", "社会保险事业管理中心", "劳动保障监察大队"),
        (
            ("就业创业补助资金", "新增就业", "创业培训", "人", "就业困难人员"),
            ("职业技能培训", "培训人数", "技能培训", "人次", "参训人员"),
        ),
    ),
    "市场监督管理局": (
        "18",
        ("食品药品检验所", "市场监管综合执法大队", "特种设备检验站"),
        (
            ("食品安全抽检监测", "抽检批次", "监督抽检", "批次", "消费者"),
            ("特种设备安全监察", "检查设备", "安全检查", "台", "使用单位"),
        ),
    ),
    "委政法委员会": (
        "07",
        ("委政法委员会", "综治中心", "网格化服务管理中心"),
        (
            ("社会治安综合治理工作经费", "矛盾纠纷排查", "平安创建", "次", "人民群众"),
            ("网格员工作补贴及绩效", "网格员", "网格巡查", "人", "网格员"),
            ("司法救助资金", "救助人数", "司法救助", "人", "救助对象"),
        ),
    ),
    "文化和旅游局": (
        "41",
        ("文化馆", "图书馆", "文物管理所"),
        (
            ("公共文化服务体系建设", "文化活动", "送戏下乡", "场次", "群众"),
            ("文物保护经费", "保护文物点", "文物修缮", "处", "游客"),
        ),
    ),
}

ATTRIBUTES = (
    ("0101", "一年期项目"),
    ("0102", "持续性项目"),
    ("0103", "新增项目"),
    ("0104", "延续性项目"),
)
QUALITATIVE = (
    "明显提高",
    "有效提升",
    "明显改善",
    "持续提升",
    "逐步改善",
    "有效带动",
    "明显",
    "显著增强",
    "稳步提升",
)
DEVIATION = (
    "部分资金拨付时间较晚，项目推进受到影响；今后将提前做好项目前期准备。",
    "个别工程存在质量问题，已责令限期整改；今后将加强过程监管。",
    "受天气影响工期延后；下一步将科学安排施工计划。",
    "实际需求低于预期；今后将加强前期调研，合理设定目标。",
)

LEVEL1 = ("产出指标", "效益指标", "满意度指标")
LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}


# the comparator a suffix of a one-cell target states (`dbt_project/macros/parse_target.sql`)
SUFFIX_NATURE = {"以上": "≥"}


@dataclass
class Target:
    """A 指标值 as its parts: 指标性质 (≥ > ≤ < = 定性 or ''), 指标值 and 度量单位."""

    nature: str
    value: str
    unit: str
    suffix: str = ""  # "以上" in "20人以上", only where targets are not split

    @property
    def raw(self) -> str:
        """The target as printed in one cell."""
        nat = "" if self.nature == "定性" else self.nature
        return f"{nat}{self.value}{self.unit}{self.suffix}"

    @property
    def split_nature(self) -> str:
        """The 指标性质 a form splitting the target into 指标性质 | 指标值 | 度量单位 prints: a
        suffix has no cell of its own there, so `20人以上` is `≥ | 20 | 人`, the same bound
        (a self-evaluation may split what its plan printed in one cell; dropping the suffix
        printed a bound the truth did not hold, `20 | 人` scored as an unchanged `20人以上`)."""
        return SUFFIX_NATURE.get(self.suffix, self.nature)


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    target: Target
    level2_printed: str
    standard: str = ""  # 绩效标准 (计划标准 …)
    scoring: str = ""  # 评分标准
    weight: str = ""  # 分值 / 权重 of a target table
    # self-evaluation
    eval_target: Target | None = None
    actual: Target | None = None
    eval_weight: float = 0.0
    eval_score: float = 0.0
    deviation: str = ""
    achieved: bool = True


@dataclass
class Funds:
    """Amounts in 万元 (truth); the renderer prints them in 万元 or 元."""

    total: float
    fiscal: float
    other: float
    fiscal_local: float
    fiscal_upper: float


@dataclass
class SelfEvalFunds:
    rows: dict[str, tuple[float, float, float]]  # total/fiscal/carryover/other: 年初/全年/执行
    weight: int
    rate: float
    rate_printed: str
    score: float


@dataclass
class Project:
    year: int
    name: str
    department: str
    department_code: str
    implementing_unit: str
    attribute: tuple[str, str]
    period: str
    funds: Funds
    overall_goal: str
    indicators: list[Indicator]
    # self-evaluation
    se_funds: SelfEvalFunds | None = None
    goal_actual: str = ""
    total_score: float = 0.0


@dataclass
class DepartmentTable:
    """A 部门整体绩效目标表: tasks with budgets, goal and an indicator grid, never a project."""

    year: int
    department: str
    department_code: str
    tasks: list[tuple[str, str, float]]
    overall_goal: str
    indicators: list[Indicator]


@dataclass
class Content:
    department: str
    department_code: str
    projects: list[Project] = field(default_factory=list)
    department_table: DepartmentTable | None = None


def fmt_num(x: float, decimals: int = 3) -> str:
    """An amount as departments print it: no trailing zeros ('148.796', '30', '20.5')."""
    s = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return s or "0"


def _amount(rng: random.Random) -> float:
    scale = rng.choice((10, 50, 100, 500, 2000))
    dec = rng.choice((0, 1, 2, 3, 3))
    return round(rng.uniform(scale * 0.05, scale), dec) or 1.0


def _pct(rng: random.Random, lo: int = 85, hi: int = 100) -> str:
    return str(rng.randint(lo, hi))


def _target(
    rng: random.Random, level2: str, topic, funds: Funds, year: int, split: bool
) -> tuple[str, Target]:
    """A 三级指标 name and its target for a 二级 category."""
    proj, obj, act, unit, people = topic
    suffix_ok = not split
    if level2 == "数量指标":
        n = str(rng.choice((rng.randint(2, 60), rng.randint(100, 3000), rng.randint(1000, 90000))))
        if unit == "万亩":
            n = f"{rng.uniform(1, 40):.2f}"
        name = rng.choice((f"{obj}", f"完成{act}", f"{act}{unit}数", f"{obj}数量"))
        nature = rng.choice(("≥", "=", "", ">"))
        sfx = "以上" if suffix_ok and nature == "" and rng.random() < 0.3 else ""
        return name, Target(nature, n, unit, sfx)
    if level2 == "质量指标":
        name = rng.choice(
            (f"{act}合格率", "验收合格率", "资金使用合规率", f"{obj}达标率", f"{act}完成率")
        )
        nature = rng.choice(("≥", ">", "=", ""))
        return name, Target(nature, _pct(rng, 90, 99 if nature == ">" else 100), "%")
    if level2 == "时效指标":
        name = rng.choice(("项目完成时间", "资金拨付及时率", f"{act}完成时限", "项目实施进度"))
        if "率" in name:
            return name, Target(rng.choice(("≥", "")), _pct(rng, 90), "%")
        val = rng.choice(
            (
                f"{year}年底",
                f"{year}年12月底",
                f"{year}年{rng.randint(6, 11)}月底",
                "及时完成",
                "按时完成",
                f"{year}.01-{year}.12",
            )
        )
        nature = "定性" if not val[0].isdigit() else (rng.choice(("≤", "")) if "年" in val else "")
        return name, Target(nature, val, "")
    if level2 == "成本指标":
        name = rng.choice((f"{proj}预算金额", "预算控制数", f"人均{act}补助标准", f"{act}成本"))
        if "标准" in name:
            return name, Target(
                rng.choice(("≤", "")), str(rng.randint(100, 3000)), rng.choice(("元/人", "元/年"))
            )
        return name, Target(rng.choice(("≤", "=", "")), fmt_num(funds.total), "万元")
    if level2 == "服务对象满意度指标":
        name = rng.choice((f"{people}满意度", "服务对象满意度", "社会公众满意度"))
        return name, Target(rng.choice(("≥", ">", "")), _pct(rng, 80, 98), "%")
    names = {
        "经济效益指标": ("带动群众增收", f"促进{people}增收", "带动相关产业发展"),
        "社会效益指标": (f"保障{people}基本权益", "促进社会和谐稳定", f"提升{act}服务水平"),
        "生态效益指标": ("改善生态环境", "减少环境污染", "提高资源利用效率"),
        "可持续影响指标": ("对本行业持续健康发展的影响", f"{act}长效机制", "项目持续发挥效益"),
    }[level2]
    return rng.choice(names), Target("定性", rng.choice(QUALITATIVE), "")


def _level2_printed(rng: random.Random, level2: str, style: int) -> str:
    """二级 as printed: bare, or with (必填) / （必填硬性指标） marks in one of a few styles."""
    if style == 0:
        return level2
    hard = level2 in ("数量指标", "成本指标") and rng.random() < 0.5
    mark = "必填硬性指标" if hard else "必填"
    return f"{level2}（{mark}）" if style == 1 else f"{level2}({mark})"


def indicators(
    rng: random.Random, topic, funds: Funds, year: int, split: bool, n: int, style: int
) -> list[Indicator]:
    """n indicators covering every 一级, in framework order, names unique."""
    cats = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标")]
    cats += [
        ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    pool = [(l1, l2) for l1 in LEVEL1 for l2 in LEVEL2[l1]]
    while len(cats) < n:
        cats.append(rng.choice(pool))
    for drop in (("产出指标", "成本指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标")):
        if len(cats) > max(n, 3):
            cats.remove(drop)  # few indicators: still one of each 一级
    order = {c: i for i, c in enumerate(pool)}
    cats.sort(key=lambda c: order[c])
    out: list[Indicator] = []
    seen: set[str] = set()
    for l1, l2 in cats:
        for _ in range(8):
            name, target = _target(rng, l2, topic, funds, year, split)
            if name not in seen:
                break
        else:
            continue  # this category has no fresh name left: one indicator fewer
        seen.add(name)
        out.append(Indicator(l1, l2, name, target, _level2_printed(rng, l2, style)))
    return out


def _funds(rng: random.Random) -> Funds:
    total = _amount(rng)
    fiscal = total if rng.random() < 0.55 else round(total * rng.uniform(0.5, 0.95), 3)
    other = round(total - fiscal, 3)
    local = round(fiscal * rng.uniform(0.2, 0.8), 3) if rng.random() < 0.7 else fiscal
    upper = round(fiscal - local, 3)
    return Funds(total, fiscal, other, local, upper)


def _goal(topic, people: str) -> str:
    proj, obj, act, unit, _ = topic
    return (
        f"1.按计划完成{act}任务，确保{obj}目标如期实现；"
        f"2.加强资金监管，确保资金使用安全规范有效；3.提升{people}满意度。"
    )


# The first and second characters of a county's name: 100 × 100 names, one for each seed of a
# range (`county_of`). Common characters of Chinese place names; no character is in both, so
# two (head, tail) pairs never spell one name.
COUNTY_HEADS = (
    "青临安永清云石柳平东南北西长新宁桃汉白龙金玉丰泰和富兴华春明光红黄绿江河湖海山林峰田禾嘉瑞"
    "祥福寿康乐庆吉昌盛隆德仁义信忠文武英凤鹤鹿松竹梅兰桂莲荷枫杨柏槐桑榆普惠通顺广大高上中太万岳"
    "屏乌伊罗黎彭邵韩蒋"
)
COUNTY_TAILS = (
    "源溪川泽阳城州口坪坝岗塘湾洲浦渡桥关门堡寨屯营集庄园台亭苑原坡岩谷涧潭池沟滩岸津埠港丘陵岛沙"
    "泾渠堰陂湄汀浜浔汇陶邑都乡里亨宇昭晖晋熙瀚璋琪珑瑶宏远定固恒坤乾元峪屿埔墩垣堤坊店铺峡畈井泊"
    "湘淮溱沅澧漳滨澜"
)
# How many seeds each range holds at most (bench.layoutgen.DEV_SEEDS, HELDOUT_SEEDS): a seed's
# place in its range (seed % SEEDS_PER_RANGE) names its county and numbers its department.
SEEDS_PER_RANGE = len(COUNTY_HEADS) * len(COUNTY_TAILS)


def county_of(index: int) -> str:
    """The county of the `index`th seed of a range: a name of its own, so that no two seeds'
    departments are one department. Drawn from the twenty of COUNTIES (with a code drawn from
    99), two seeds printed one department's same project for the same year: in 64 of the 249
    windows of 40 consecutive dev seeds (a bench run's size), 4,905 (department, project, year)
    of dev seeds 0-9,999, 212 of them under one code too. A bench run read such a pair as one
    project printed twice (one file's project lost) or left a self-evaluation two plans to
    choose from (its join lost), which the two documents never meant."""
    head, tail = divmod(index % SEEDS_PER_RANGE, len(COUNTY_TAILS))
    return f"{COUNTY_HEADS[head]}{COUNTY_TAILS[tail]}县"


def department_of(rng: random.Random, index: int) -> tuple[str, str, str]:
    """(department kind, printed department name, 6-digit code) of the `index`th seed of a range:
    the kind drawn, the county and the code's last four digits the seed's own (`county_of`).
    The draws of a county and a number that named them before are still made, so every later
    draw of a seed — its layout, values, damage — is what it was."""
    kind = rng.choice(sorted(DEPARTMENTS))
    rng.choice(COUNTIES)
    rng.randint(1, 99)
    county = county_of(index)
    code = f"{DEPARTMENTS[kind][0]}{index % SEEDS_PER_RANGE:04d}"
    name = f"中共{county}{kind}" if kind.startswith("委") else f"{county}{kind}"
    return kind, name, code


def make_content(
    rng: random.Random,
    years: list[int],
    n_projects: int,
    split: bool,
    level2_style: int,
    with_department_table: bool,
    n_indicators: tuple[int, int] = (5, 20),
    *,
    index: int,
) -> Content:
    """A department's tables: n projects spread over `years`; a project may recur in two years.
    `index`: the seed's place in its range, which names the department (`department_of`)."""
    kind, dept, code = department_of(rng, index)
    _, units, topics = DEPARTMENTS[kind]
    county = dept.replace("中共", "")[:3]
    content = Content(dept, code)
    chosen = rng.sample(topics, min(n_projects, len(topics)))
    while len(chosen) < n_projects:  # more projects than topics: numbered phases of one
        base = rng.choice(topics)
        chosen.append((f"{base[0]}（{'二三四五'[len(chosen) % 4]}期）", *base[1:]))
    for i, topic in enumerate(chosen):
        year = years[i % len(years)]
        funds = _funds(rng)
        attr = rng.choice(ATTRIBUTES)
        period = rng.choice(
            (f"{year}.01-{year}.12", f"{year}年", "1年", "长期", f"{year}.07-{year + 1}.06")
        )
        n = rng.randint(*n_indicators)
        unit = rng.choice(units)
        unit = dept if unit == kind else f"{county}{unit}"
        content.projects.append(
            Project(
                year=year,
                name=topic[0],
                department=dept,
                department_code=code,
                implementing_unit=unit,
                attribute=attr,
                period=period,
                funds=funds,
                overall_goal=_goal(topic, topic[4]),
                indicators=indicators(rng, topic, funds, year, split, n, level2_style),
            )
        )
    if len(years) > 1 and content.projects:  # the same project printed for another year too
        first = content.projects[0]
        other_year = next(y for y in years if y != first.year)
        funds = _funds(rng)
        topic = next(t for t in chosen if t[0] == first.name)
        content.projects.append(
            Project(
                other_year,
                first.name,
                dept,
                code,
                first.implementing_unit,
                first.attribute,
                f"{other_year}.01-{other_year}.12",
                funds,
                first.overall_goal,
                indicators(
                    rng, topic, funds, other_year, split, rng.randint(*n_indicators), level2_style
                ),
            )
        )
    if with_department_table:
        year = years[0]
        tasks = [
            (f"{t[2]}工作", f"完成{t[1]}任务，提升{t[4]}获得感", round(rng.uniform(50, 1500), 2))
            for t in chosen[:4]
        ]
        funds = Funds(sum(t[2] for t in tasks), 0, 0, 0, 0)
        goal = "；".join(f"{k + 1}.{t[0]}，{t[1]}" for k, t in enumerate(tasks)) + "。"
        content.department_table = DepartmentTable(
            year,
            dept,
            code,
            tasks,
            goal,
            indicators(rng, chosen[0], funds, year, split, rng.randint(5, 9), 0),
        )
    return content


def add_self_evaluation(rng: random.Random, project: Project, change_rate: float = 0.15) -> None:
    """Year-end results for a planned project: funds execution, actuals, weights and scores.

    Weights: 预算执行 10, then 产出 50 / 效益 30 / 满意度 10 spread over the indicators (whole
    numbers); a positive indicator scores 实际/目标 × 分值, capped at 分值 (two decimals).
    """
    initial = project.funds.total
    full = round(initial * rng.choice((1.0, 1.0, rng.uniform(0.9, 1.3))), 2)
    executed = round(full * rng.choice((1.0, rng.uniform(0.6, 1.0))), 2)
    fiscal = (round(project.funds.fiscal, 2),) * 2
    carry = round(full - fiscal[1] - project.funds.other, 2)
    if carry < 0:
        carry = 0.0
        full = round(fiscal[1] + project.funds.other, 2)
        executed = min(executed, full)
    ex_f = round(min(executed, fiscal[1]), 2)
    ex_c = round(min(executed - ex_f, carry), 2)
    ex_o = round(executed - ex_f - ex_c, 2)
    rows = {
        "total": (round(initial, 2), full, executed),
        "fiscal": (fiscal[0], fiscal[1], ex_f),
        "carryover": (0.0, carry, ex_c),
        "other": (round(project.funds.other, 2), round(project.funds.other, 2), ex_o),
    }
    rate = round(executed / full * 100, 1) if full else 0.0
    score = round(10 * min(rate, 100) / 100, 2)
    project.se_funds = SelfEvalFunds(rows, 10, rate, f"{fmt_num(rate, 1)}%", score)
    shares = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    by_l1: dict[str, list[Indicator]] = {}
    for ind in project.indicators:
        by_l1.setdefault(ind.level1, []).append(ind)
    total = score
    for l1, inds in by_l1.items():
        base, extra = divmod(shares[l1], len(inds))
        for k, ind in enumerate(inds):
            ind.eval_weight = float(base + (1 if k < extra else 0))
            _evaluate(rng, ind, change_rate)
            total += ind.eval_score
    project.total_score = round(total, 2)
    project.goal_actual = (
        "截至年底，"
        + project.overall_goal.split("；")[0].split(".", 1)[-1]
        + "等工作任务全部完成，项目实施效果良好。"
    )


def _evaluate(rng: random.Random, ind: Indicator, change_rate: float) -> None:
    t = ind.target
    if rng.random() < change_rate and t.value.replace(".", "").isdigit():
        # the target was changed after the fact: a different number in the same shape
        v = float(t.value)
        nv = fmt_num(v * rng.choice((0.8, 0.9, 1.1, 1.25)), 2 if "." in t.value else 0)
        if nv == t.value:
            nv = fmt_num(v + 1, 2 if "." in t.value else 0)
        ind.eval_target = Target(t.nature, nv, t.unit, t.suffix)
    else:
        ind.eval_target = Target(t.nature, t.value, t.unit, t.suffix)
    et = ind.eval_target
    ind.achieved = rng.random() < 0.8
    w = ind.eval_weight
    if (
        et.value.replace(".", "").isdigit()
        and et.unit in ("%", "")
        and "." not in et.value
        and et.nature != "≤"
    ):
        v = float(et.value)
        if ind.achieved:
            actual = (
                min(100.0, v + rng.choice((0, 0, 1, 2)))
                if et.unit == "%"
                else v + rng.randint(0, 5)
            )
        else:
            actual = max(1.0, v - rng.randint(3, 10))
        ind.actual = Target("", fmt_num(actual, 1), et.unit)
        ratio = min(actual / v, 1.0) if v else 1.0
        if not ind.achieved and ratio >= 1.0:
            ind.achieved = True
        ind.eval_score = round(w * ratio, 2)
    elif et.value.replace(".", "").isdigit():
        v = float(et.value)
        actual = v if ind.achieved else v * rng.uniform(0.6, 0.95)
        if et.nature == "≤":
            actual = v if ind.achieved else v * rng.uniform(1.05, 1.3)
        dec = 2 if "." in et.value or not ind.achieved else 0
        ind.actual = Target("", fmt_num(actual, dec), et.unit)
        ind.eval_score = w if ind.achieved else round(w * rng.uniform(0.5, 0.9), 2)
    else:
        ind.actual = Target(
            "", et.value if ind.achieved else rng.choice(("部分完成", "基本完成", "未完成")), ""
        )
        ind.eval_score = w if ind.achieved else round(w * rng.uniform(0.5, 0.9), 2)
    ind.eval_score = float(ind.eval_score)
    ind.deviation = "" if ind.achieved else rng.choice(DEVIATION)
