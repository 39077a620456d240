"""The CJK fonts Debian packages, registered with reportlab.

Why: departments print in whatever font their office suite has; the reader must not depend on
one. reportlab embeds TrueType outlines only, so the Noto CJK fonts (CFF outlines) are subset to
the characters the generator can print and converted to TrueType once with fontTools, cached under
``~/.cache/perfbudget-bench``. ``make fonts`` installs the packages.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path

# key -> (path, face index in the collection, outlines)
FONTS: dict[str, tuple[str, int, str]] = {
    "zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "tt"),
    "microhei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "tt"),
    "ukai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "tt"),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "tt"),
    "notosans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "cff"),
    "notoserif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "cff"),
    "notosans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2, "cff"),
}
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "perfbudget-bench"


class FontMissingError(FileNotFoundError):
    """A Debian font package is not installed: ``make fonts``."""


def available() -> list[str]:
    """Font keys whose files are installed."""
    return [k for k, (p, _, _) in FONTS.items() if Path(p).is_file()]


def charset() -> str:
    """Every character the generator can print: ASCII plus the non-ASCII of its own sources."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for src in sorted(Path(__file__).parent.glob("*.py")):
        chars.update(ch for ch in src.read_text(encoding="utf-8") if ord(ch) > 0x7F)
    chars.update("（）：，。；、％≥≤＞＜／—－·")
    return "".join(sorted(chars))


def _converted(key: str) -> Path:
    """A TrueType subset of a CFF font, made once per charset."""
    path, index, _ = FONTS[key]
    chars = charset()
    digest = hashlib.sha256((path + str(index) + chars).encode()).hexdigest()[:12]
    out = CACHE / f"{key}-{digest}.ttf"
    if out.is_file():
        return out
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont as FtFont
    from fontTools.ttLib import newTable

    font = FtFont(path, fontNumber=index, lazy=False)
    opts = subset.Options()
    opts.desubroutinize = True
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(tmp))
    tmp.replace(out)
    return out


@cache
def register(key: str) -> str:
    """Register a font with reportlab once; returns its reportlab name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path, index, outlines = FONTS[key]
    if not Path(path).is_file():
        raise FontMissingError(f"{path} is not installed: run `make fonts`")
    name = f"LG-{key}"
    if outlines == "cff":
        pdfmetrics.registerFont(TTFont(name, str(_converted(key))))
    else:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


def safe_name(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]", "_", text)
