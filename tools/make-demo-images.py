#!/usr/bin/env python3
"""Draw the demo shop's product and category illustrations as small SVG files.

Reads every image path the demo content refers to (the `images` of products in
content/products/**/*.md and content/catalog/*.csv, the `image` of categories)
and writes one SVG per path under static/, so content and images cannot drift
apart. Each drawing is a simple shape chosen from the sku or category id (a
plate, a bowl, a cup, a pan, a jar, a piece of linen, a utensil) with the
initials of the title, and stays under 2 KB.

Run from anywhere: python3 tools/make-demo-images.py
Requires Python 3.11 or later (tomllib); uses the standard library only.
"""

import csv
import hashlib
import sys
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 2048

# Background and ink pairs, picked by a hash of the image path so a drawing keeps
# its colours from one run to the next.
PALETTE = [
    ("#efe6d8", "#8a5a2b"),  # honey
    ("#e3ebe1", "#4f6b4a"),  # sage
    ("#e2e7ef", "#2c3e5c"),  # midnight blue
    ("#f3e1d8", "#a4532f"),  # terracotta
    ("#f1eee8", "#5d5a52"),  # chalk
    ("#ece3ea", "#6e3f5f"),  # plum
]

# The first entry with a keyword found in the lowercased sku or category id wins.
SHAPES = [
    (("assiette", "ass-", "plat-ovale", "plat-tarte"), "plate"),
    (("bol", "saladier"), "bowl"),
    (("tasse", "mug", "gobelet", "theiere", "pichet", "beurrier"), "cup"),
    (("casserole", "poele", "cocotte", "bassine", "cuivre"), "pan"),
    (("miel", "confiture", "sel", "huile", "the-", "infusion", "palets", "epicerie"), "jar"),
    (("torchon", "nappe", "serviette", "chemin", "sets", "tablier", "manique", "essuie", "linge"), "linen"),
    (("cuillere", "spatule", "couteau", "rouleau", "planche", "ustensile", "cuisine"), "utensil"),
    (("table",), "plate"),
]

DRAWINGS = {
    "plate": '<circle cx="200" cy="170" r="120" fill="{bg2}" stroke="{ink}" stroke-width="6"/>'
    '<circle cx="200" cy="170" r="78" fill="none" stroke="{ink}" stroke-width="3" opacity=".5"/>',
    "bowl": '<path d="M70 120h260c0 90-55 150-130 150S70 210 70 120z" fill="{bg2}" stroke="{ink}" '
    'stroke-width="6"/><ellipse cx="200" cy="120" rx="130" ry="22" fill="{bg}" stroke="{ink}" stroke-width="5"/>',
    "cup": '<rect x="110" y="80" width="150" height="180" rx="22" fill="{bg2}" stroke="{ink}" '
    'stroke-width="6"/><path d="M260 120c60 0 60 90 0 90" fill="none" stroke="{ink}" stroke-width="12"/>',
    "pan": '<circle cx="170" cy="175" r="105" fill="{bg2}" stroke="{ink}" stroke-width="6"/>'
    '<rect x="270" y="163" width="110" height="24" rx="12" fill="{ink}"/>',
    "jar": '<rect x="135" y="55" width="130" height="40" rx="8" fill="{ink}"/>'
    '<rect x="115" y="95" width="170" height="180" rx="30" fill="{bg2}" stroke="{ink}" stroke-width="6"/>'
    '<rect x="140" y="150" width="120" height="60" fill="{bg}" stroke="{ink}" stroke-width="3"/>',
    "linen": '<rect x="80" y="60" width="240" height="220" rx="6" fill="{bg2}" stroke="{ink}" stroke-width="6"/>'
    '<path d="M80 110h240M80 125h240M80 225h240M80 240h240" stroke="{ink}" stroke-width="6" opacity=".7"/>',
    "utensil": '<ellipse cx="200" cy="95" rx="48" ry="62" fill="{bg2}" stroke="{ink}" stroke-width="6"/>'
    '<rect x="188" y="150" width="24" height="140" rx="12" fill="{ink}"/>',
}

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" '
    'role="img" aria-labelledby="t"><title id="t">{title}</title>'
    '<rect width="400" height="400" fill="{bg}"/>{drawing}'
    '<text x="200" y="360" text-anchor="middle" font-family="Georgia,serif" font-size="54" '
    'letter-spacing="6" fill="{ink}">{initials}</text></svg>\n'
)

SMALL_WORDS = {"de", "du", "des", "en", "et", "la", "le", "les", "à", "au", "aux", "sa", "sans", "lot", "d", "l"}


def initials(title: str) -> str:
    """Return up to three initials from the significant words of a title."""
    words = [w for w in title.replace("'", " ").replace(",", " ").split() if w.lower() not in SMALL_WORDS]
    letters = [w[0].upper() for w in words if w[0].isalpha()]
    return "".join(letters[:3]) or "?"


def shape_for(key: str) -> str:
    """Return the drawing name for a sku or category id."""
    lowered = key.lower()
    for keywords, shape in SHAPES:
        if any(keyword in lowered for keyword in keywords):
            return shape
    return "plate"


def lighter(hex_colour: str) -> str:
    """Return a colour halfway between `hex_colour` and white."""
    channels = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{(c + 255) // 2:02x}" for c in channels)


def front_matter(path: Path) -> dict:
    """Parse the TOML front matter between the two `+++` lines of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("+++", 2)
    if len(parts) < 3 or parts[0].strip():
        raise ValueError(f"{path}: missing front matter: start the file with TOML between two `+++` lines")
    return tomllib.loads(parts[1])


def referenced_images() -> dict[str, tuple[str, str]]:
    """Collect each image path the content uses, with the sku or category id that picks
    its shape and the title that gives its initials."""
    referenced: dict[str, tuple[str, str]] = {}
    content = ROOT / "content"
    for path in sorted((content / "products").rglob("*.md")):
        if path.name.count(".") > 1:
            continue  # Translations such as foo.en.md carry no images, because foo.md does.
        matter = front_matter(path)
        for image in matter.get("images", []):
            referenced[image] = (matter["sku"], matter["title"])
    for path in sorted((content / "catalog").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                for image in filter(None, (row.get("images") or "").split("|")):
                    referenced[image] = (row["sku"], row["title"])
    categories = content / "categories"
    for path in sorted(categories.rglob("*.md")):
        if path.name.count(".") > 1:
            continue
        matter = front_matter(path)
        if "image" in matter:
            category_id = path.relative_to(categories).with_suffix("").as_posix()
            referenced[matter["image"]] = (category_id, matter["title"])
    return referenced


def draw(image: str, key: str, title: str) -> str:
    """Return the SVG text for one image."""
    digest = hashlib.sha256(image.encode()).digest()
    background, ink = PALETTE[digest[0] % len(PALETTE)]
    drawing = DRAWINGS[shape_for(key)].format(bg=background, bg2=lighter(background), ink=ink)
    return SVG.format(
        title=escape(title), bg=background, ink=ink, drawing=drawing, initials=escape(initials(title))
    )


def main() -> int:
    problems = []
    written = 0
    for image, (key, title) in sorted(referenced_images().items()):
        if not image.startswith("/images/") or not image.endswith(".svg"):
            continue  # Absolute URLs and photographs are the merchant's to supply.
        svg = draw(image, key, title)
        size = len(svg.encode("utf-8"))
        if size > MAX_BYTES:
            problems.append(f"{image}: {size} bytes, more than the {MAX_BYTES}-byte budget")
        target = ROOT / "static" / image.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(svg, encoding="utf-8")
        written += 1
    print(f"wrote {written} SVG files under static/images/")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
