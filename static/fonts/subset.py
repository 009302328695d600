"""Build the four self-hosted font files: Latin plus the rupee sign (U+20B9). Not run by the app.

fontsource's ``latin`` files lack ₹, which sits in their ``latin-ext`` files. For each weight this
keeps the ``latin`` file whole, cuts the ``latin-ext`` file down to ₹ alone, and merges the two.

Sources (SIL OFL 1.1, licences beside this file):
    npm @fontsource/inter 5.3.0   files/inter-{latin,latin-ext}-{400,600}-normal.woff2
    npm @fontsource/poppins 5.3.0 files/poppins-{latin,latin-ext}-{500,600}-normal.woff2

Run (fonttools and brotli are build-time tools, deliberately not in requirements.txt):
    cd "$(mktemp -d)" && npm pack @fontsource/inter@5.3.0 @fontsource/poppins@5.3.0
    mkdir inter poppins
    tar xzf fontsource-inter-5.3.0.tgz -C inter && tar xzf fontsource-poppins-5.3.0.tgz -C poppins
    pip install fonttools brotli
    python <repo>/static/fonts/subset.py inter/package/files poppins/package/files

It writes inter-{400,600}.woff2 and poppins-{500,600}.woff2 next to this file and checks that
each one maps U+20B9.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

RUPEE = 0x20B9
HERE = Path(__file__).resolve().parent
WEIGHTS = {"inter": ("400", "600"), "poppins": ("500", "600")}


def build(family: str, weight: str, files: Path, work: Path) -> Path:
    latin = TTFont(files / f"{family}-latin-{weight}-normal.woff2")
    latin.flavor = None
    latin.save(work / "latin.ttf")

    rupee = TTFont(files / f"{family}-latin-ext-{weight}-normal.woff2")
    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[RUPEE])
    subsetter.subset(rupee)
    rupee.flavor = None
    rupee.save(work / "rupee.ttf")

    merged = Merger().merge([str(work / "latin.ttf"), str(work / "rupee.ttf")])
    merged.flavor = "woff2"
    out = HERE / f"{family}-{weight}.woff2"
    merged.save(out)
    assert RUPEE in TTFont(out).getBestCmap(), f"{out.name} lacks U+20B9"
    return out


def main(inter_files: str, poppins_files: str) -> None:
    sources = {"inter": Path(inter_files), "poppins": Path(poppins_files)}
    with tempfile.TemporaryDirectory() as tmp:
        for family, weights in WEIGHTS.items():
            for weight in weights:
                out = build(family, weight, sources[family], Path(tmp))
                print(f"{out.name}: {out.stat().st_size} bytes, U+20B9 present")


if __name__ == "__main__":
    main(*sys.argv[1:3])
