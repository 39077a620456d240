"""One seed → one document (or a 绩效目标表 and its 绩效自评表) with a truth JSON each.

Why: deterministic, self-describing test documents. ``generate(seed, out)`` draws the kind, the
layout parameters and the content from ``random.Random(seed)``, typesets the tables, and for scans
and images rasterises the pages and damages them with the OCR bench's scan damage
(``tests/fixtures/scans.py``): one damage kind per page, or for half the scanned PDFs and a third
of the images the compound damage (every parameter drawn per page, recorded in ``degradations``).
The truth follows the independent validation sample's format (``file``, ``kind``, ``doc_type``,
``pages``, ``projects`` with ``indicators`` and their pages, ``other_tables``,
``layout.variants``) so both can be scored the same way.

    python -m bench.layoutgen.generate --range dev --count 20 --out /tmp/lg
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import cv2
from PIL import Image

from bench.layoutgen import RANGES, forms, params
from bench.layoutgen.content import (
    SEEDS_PER_RANGE,
    Content,
    Project,
    add_self_evaluation,
    make_content,
)
from bench.layoutgen.render import Rendered, Table, typeset
from tests.fixtures import scans

KINDS = (("text_pdf", 0.65), ("scan_pdf", 0.2), ("image", 0.15))
SCAN_DAMAGES = tuple(k for k in scans.DAMAGES)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for name, w in weighted:
        if x < w:
            return name
        x -= w
    return weighted[-1][0]


def _tables(content: Content, p: params.LayoutParams, rng: random.Random) -> list[Table]:
    tables = [
        forms.target_table(pr, p, rng, f"project:{i}", i + 1)
        for i, pr in enumerate(content.projects)
    ]
    if content.department_table is not None:
        dept = forms.department_table(content.department_table, p, rng, "department")
        tables = [dept, *tables] if p.department_table == "before" else [*tables, dept]
    _force_break(tables, p, rng)
    return tables


def _force_break(tables: list[Table], p: params.LayoutParams, rng: random.Random) -> None:
    """A page break inside the header block or the grid of one project table."""
    projects = [t for t in tables if t.key.startswith("project:")]
    if p.break_mode == "none" or not projects:
        return
    t = rng.choice(projects)
    rows = [
        row
        for b in (t.blocks[:-1] if p.break_mode == "header" else t.blocks[-1:])
        for row in b.rows
    ]
    rows = [r for r in rows if r.tag != "grid_head" and not r.break_before]
    candidates = rows[1:] if len(rows) > 1 else rows
    if candidates:
        rng.choice(candidates).break_before = True


def _target_truth(pr: Project, key: str, r: Rendered, p: params.LayoutParams) -> dict:
    f = pr.funds
    funds = {"total": f.total, "fiscal": f.fiscal, "other": f.other}
    if p.funds_layout == "split_local_upper":
        funds |= {"fiscal_local": f.fiscal_local, "fiscal_upper": f.fiscal_upper}
    inds = []
    for k, ind in enumerate(pr.indicators):
        row = {
            "level1": ind.level1,
            "level2": ind.level2,
            "name": forms.printed_name(ind, k, p),
            "target_raw": ind.target.raw,
            "level2_printed": ind.level2_printed,
            "page": r.row_pages[(key, f"ind:{k}")],
        }
        if p.split_target:
            row["target_split"] = {
                "nature": ind.target.split_nature,
                "value": ind.target.value,
                "unit": ind.target.unit,
            }
        for e in p.extra_columns:
            fld = {"绩效标准": "standard", "评分标准": "scoring_standard"}.get(e, "weight")
            row[fld] = {"standard": ind.standard, "scoring_standard": ind.scoring}.get(
                fld, ind.weight
            )
        inds.append(row)
    return {
        "year": pr.year,
        "project_name": pr.name,
        "department": pr.department,
        "department_printed": p.dept_layout != "code_only",
        "department_code": pr.department_code,
        "implementing_unit": pr.implementing_unit,
        "project_attribute": f"{pr.attribute[0]}-{pr.attribute[1]}"
        if p.attribute_code
        else pr.attribute[1],
        "project_period": pr.period,
        "funds": funds,
        "funds_unit": forms.funds_unit(p) if p.unit_line or "元" in forms.funds_label(p) else None,
        "overall_goal": pr.overall_goal,
        "indicators": inds,
        "table_pages": r.table_pages[key],
        "printed_cells": _printed(r, key),
    }


def _selfeval_truth(
    pr: Project, key: str, r: Rendered, p: params.LayoutParams, plan_file: str
) -> dict:
    f = pr.se_funds
    assert f is not None
    inds = []
    for k, ind in enumerate(pr.indicators):
        et = ind.eval_target or ind.target
        inds.append(
            {
                "level1": ind.level1,
                "level2": ind.level2,
                "name": forms.printed_name(ind, k, p),
                "target_raw": et.raw,
                "plan_target_raw": ind.target.raw,
                "target_changed": et.raw != ind.target.raw,
                "actual_raw": ind.actual.raw if ind.actual else "",
                "achieved": ind.achieved,
                "weight": ind.eval_weight,
                "score": ind.eval_score,
                "deviation": ind.deviation,
                "level2_printed": ind.level2_printed,
                "page": r.row_pages[(key, f"ind:{k}")],
            }
        )
    return {
        "year": pr.year,
        "project_name": pr.name,
        "department": pr.department,
        "department_code": pr.department_code,
        "implementing_unit": pr.implementing_unit,
        "funds": {
            "initial": f.rows["total"][0],
            "full_year": f.rows["total"][1],
            "executed": f.rows["total"][2],
            "weight": f.weight,
            "rate_printed": f.rate_printed,
            "rate": f.rate,
            "score": f.score,
            "rows": {k: list(v) for k, v in f.rows.items()},
        },
        "goal_expected": pr.overall_goal,
        "goal_actual": pr.goal_actual,
        "indicators": inds,
        "total_weight": 100,
        "total_score": pr.total_score,
        "plan_file": plan_file,
        "table_pages": r.table_pages[key],
        "printed_cells": _printed(r, key),
    }


def _department_truth(content: Content, r: Rendered) -> list[dict]:
    dt = content.department_table
    if dt is None:
        return []
    return [
        {
            "type": "department_overall",
            "year": dt.year,
            "department": dt.department,
            "department_code": dt.department_code,
            "tasks": [{"name": n, "content": c, "amount": a} for n, c, a in dt.tasks],
            "total_amount": round(sum(t[2] for t in dt.tasks), 2),
            "overall_goal": dt.overall_goal,
            "indicators": [
                {
                    "level1": i.level1,
                    "level2": i.level2,
                    "name": i.name,
                    "target_raw": i.target.raw,
                    "page": r.row_pages[("department", f"ind:{k}")],
                }
                for k, i in enumerate(dt.indicators)
            ],
            "table_pages": r.table_pages["department"],
        }
    ]


# Share of scanned PDFs (and of images) whose pages get the compound damage: every parameter
# drawn independently per page (scans.draw_compound), as office scans vary; the rest keep one
# damage kind per page from scans.DAMAGES.
COMPOUND_SHARE = {"scan_pdf": 0.5, "image": 0.35}


def _rasterise(
    pdf: Path, kind: str, pages: int, rng: random.Random, stem: Path
) -> tuple[Path, list[dict]]:
    """Scan or photograph the rendered pages; returns the file written and its damage record."""
    dpi = rng.choice((150, 200, 200, 250)) if kind == "scan_pdf" else rng.choice((150, 200))
    compound = rng.random() < COMPOUND_SHARE[kind]
    if compound:
        dpi = rng.choice((150, 180, 200, 220, 240))
    images, record = [], []
    for i in range(pages):
        if compound:
            rec = scans.draw_compound(rng.randrange(1 << 30), dpi)
            images.append(scans.apply_compound(scans.rasterize(pdf, i, dpi), rec))
            record.append({"page": i + 1, **rec})
            continue
        dmg = rng.choice(
            SCAN_DAMAGES
            if kind == "scan_pdf"
            else ("photo", "skew", "light", "noise", "seal", "rotate")
        )
        seed = rng.randrange(1 << 30)
        images.append(scans.damage(scans.rasterize(pdf, i, dpi), dmg, seed))
        record.append({"page": i + 1, "damage": dmg, "dpi": dpi, "seed": seed})
    if kind == "scan_pdf":
        out = stem.with_suffix(".pdf")
        scans.write_scanned_pdf(images, out, dpi)
    elif pages == 1:
        out = stem.with_suffix(rng.choice((".png", ".jpg")))
        cv2.imwrite(str(out), images[0])
    else:
        out = stem.with_suffix(".tif")
        pils = [Image.fromarray(cv2.cvtColor(im, cv2.COLOR_BGR2RGB)) for im in images]
        pils[0].save(
            out, save_all=True, append_images=pils[1:], compression="tiff_deflate", dpi=(dpi, dpi)
        )
    return out, record


def _write(
    tables: list[Table], p: params.LayoutParams, kind: str, rng: random.Random, stem: Path
) -> tuple[Path, Rendered, list[dict]]:
    pdf = (
        stem.with_suffix(".pdf")
        if kind == "text_pdf"
        else stem.with_name(stem.name + ".render.pdf")
    )
    rendered = typeset(str(pdf), p, tables)
    if kind == "text_pdf":
        return pdf, rendered, []
    out, record = _rasterise(pdf, kind, rendered.pages, rng, stem)
    pdf.unlink()
    return out, rendered, record


def plan(rng: random.Random) -> tuple[str, bool, params.LayoutParams]:
    """The first draws of a seed: document kind, whether a 自评表 follows, layout parameters."""
    kind = _pick(rng, KINDS)
    self_eval = rng.random() < 0.25
    return kind, self_eval, params.draw(rng, kind)


def _printed(r: Rendered, key: str) -> list[dict]:
    """What the typesetter drew for one table (values, not labels), with page and bbox."""
    return [
        {
            "field": pr.field,
            "text": pr.text,
            "page": pr.page,
            "bbox": [round(v, 1) for v in pr.bbox],
        }
        for pr in r.printed
        if pr.table == key and pr.field not in ("label", "title", "line")
    ]


def draw_content(rng: random.Random, seed: int) -> tuple[str, bool, params.LayoutParams, Content]:
    """The draws of a seed before anything is typeset: document kind, whether a 自评表 follows,
    layout parameters, and the department's tables (`rng` = random.Random(seed), fresh)."""
    kind, self_eval, p = plan(rng)
    image = kind == "image"
    # scans are OCRed page by page: fewer tables keep `make bench` within its time
    n_projects = 1 if image else rng.choice((1, 1, 2) if kind == "scan_pdf" else (1, 1, 2, 2, 3))
    content = make_content(
        rng,
        list(p.years),
        n_projects,
        p.split_target,
        p.level2_style,
        bool(p.department_table) and not self_eval,
        n_indicators=(5, 9) if image else (5, 20),
        index=seed % SEEDS_PER_RANGE,
    )
    if p.funds_layout == "single_line":  # the only funds line: total = 财政拨款, no other funds
        for pr in content.projects:
            f = pr.funds
            f.fiscal, f.other, f.fiscal_local, f.fiscal_upper = f.total, 0.0, f.total, 0.0
    return kind, self_eval, p, content


def generate(seed: int, out_dir: Path) -> list[dict]:
    """Write the document(s) of `seed` into `out_dir` (raw files) and return their truths."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    kind, self_eval, p, content = draw_content(rng, seed)
    stem = out_dir / f"lg_{seed}"
    path, rendered, record = _write(_tables(content, p, rng), p, kind, rng, stem)
    truth = {
        "file": path.name,
        "seed": seed,
        "kind": kind,
        "doc_type": "target",
        "pages": rendered.pages,
        "expected_error": False,
        "degradations": record,
        "projects": [
            _target_truth(pr, f"project:{i}", rendered, p) for i, pr in enumerate(content.projects)
        ],
        "other_tables": _department_truth(content, rendered),
        "layout": params.as_json(p),
    }
    truths = [truth]
    if self_eval:
        se_kind = _pick(rng, KINDS)
        sp = params.draw(rng, se_kind)
        sp.numbered = p.numbered  # one department numbers its 三级指标 the same way all year
        evaluated = [pr for pr in content.projects if rng.random() < 0.8] or content.projects[:1]
        if se_kind == "image":
            evaluated = evaluated[:1]
        for pr in evaluated:
            add_self_evaluation(rng, pr)
        tables = [
            forms.self_eval_table(pr, sp, rng, f"project:{i}") for i, pr in enumerate(evaluated)
        ]
        _force_break(tables, sp, rng)
        se_path, se_r, se_record = _write(tables, sp, se_kind, rng, out_dir / f"lg_{seed}_自评")
        truths.append(
            {
                "file": se_path.name,
                "seed": seed,
                "kind": se_kind,
                "doc_type": "self_evaluation",
                "pages": se_r.pages,
                "expected_error": False,
                "degradations": se_record,
                "projects": [
                    _selfeval_truth(pr, f"project:{i}", se_r, sp, path.name)
                    for i, pr in enumerate(evaluated)
                ],
                "other_tables": [],
                "layout": params.as_json(sp),
            }
        )
    return truths


def write_truths(truths: list[dict], truth_dir: Path) -> None:
    truth_dir.mkdir(parents=True, exist_ok=True)
    for t in truths:
        name = Path(t["file"]).stem + ".json"
        (truth_dir / name).write_text(json.dumps(t, ensure_ascii=False, indent=1), encoding="utf-8")


def seeds(which: str, count: int, start: int = 0) -> list[int]:
    return list(RANGES[which][start : start + count])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--range", choices=tuple(RANGES), default="dev")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--start", type=int, default=0, help="offset into the range")
    ap.add_argument("--out", type=Path, required=True, help="writes OUT/raw and OUT/truth")
    a = ap.parse_args(argv)
    for s in seeds(a.range, a.count, a.start):
        truths = generate(s, a.out / "raw")
        write_truths(truths, a.out / "truth")
        print(s, ", ".join(f"{t['file']} ({t['kind']}, {t['pages']} p)" for t in truths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
