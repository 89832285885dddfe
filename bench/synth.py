#!/usr/bin/env python3
"""Generate a synthetic shop for the build benchmark.

Every product has 3 variants (sizes), 2 categories, 4 images and a body of 150 to 300
words, as in the reference figures of the benchmark page. The output is deterministic
for a given product count and layout, so two runs measure the same input.

Layouts:
  single  one store, one locale (fr), one currency (EUR)
  demo    the demo shop's layout: three stores (fr, pro, ch), two locales each,
          ch in CHF and EUR

With --hugo-out, the same products also go into a Hugo site that uses the
configuration and layouts of bench/hugo, for the side-by-side benchmark.
"""

import argparse
import os
import random
import shutil

WORDS = (
    "atelier grès émail tasse bol assiette lin coton torchon nappe cuisine table "
    "main tourné cuit four flamme terre sable bleu vert ocre blanc naturel "
    "durable lavable robuste léger fin épais doux chaud froid usage quotidien "
    "famille maison cadeau fabrication française artisan savoir faire tradition "
    "forme couleur texture matière pièce unique série petite grande moyenne"
).split()

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HUGO_SOURCE = os.path.join(REPOSITORY, "bench", "hugo")
THEME_STYLES = os.path.join(REPOSITORY, "themes", "comptoir", "styles")

CATEGORY_COUNT = 50
IMAGE_COUNT = 20
SIZES = ["S", "M", "L"]


def sentence(rng, count):
    words = [rng.choice(WORDS) for _ in range(count)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def body(rng):
    target = rng.randint(150, 300)
    paragraphs, written = [], 0
    while written < target:
        length = min(rng.randint(40, 80), target - written)
        sentences, count = [], 0
        while count < length:
            size = min(rng.randint(8, 16), length - count)
            sentences.append(sentence(rng, max(size, 1)))
            count += max(size, 1)
        paragraphs.append(" ".join(sentences))
        written += count
    return "\n\n".join(paragraphs)


SINGLE_STORES = """
[[stores]]
id = "fr"
name = "Banc d'essai"
base_url = "https://bench.example"
locales = ["fr"]
currencies = ["EUR"]
tax_display = "incl"
country = "FR"
"""

DEMO_STORES = """
[price_lists.retail]
[price_lists.pro]
includes_tax = false
fallback = "retail"

[currencies.CHF]
rate = "0.95"
rounding = "0.90"

[tax.rates.CH]
standard = "8.1"
reduced = "2.6"

[[stores]]
id = "fr"
name = "Banc d'essai"
base_url = "https://bench.example"
locales = ["fr", "en"]
currencies = ["EUR"]
tax_display = "incl"
country = "FR"

[[stores]]
id = "pro"
name = "Banc d'essai Pro"
base_url = "https://pro.bench.example"
locales = ["fr", "en"]
currencies = ["EUR"]
price_list = "pro"
tax_display = "excl"
country = "FR"

[[stores]]
id = "ch"
name = "Banc d'essai Suisse"
base_url = "https://bench.example.ch"
locales = ["fr", "en"]
currencies = ["CHF", "EUR"]
tax_display = "incl"
country = "CH"
"""

SHOP = """[shop]
legal_name = "Banc d'essai SARL"
legal_form = "SARL au capital de 1 000 €"
siret = "12345678900007"
vat_number = "FR12123456789"
email = "contact@bench.example"
address = { street = "1 rue du Test", postal_code = "69001", city = "Lyon", country = "FR" }
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def money(cents):
    return f"{cents // 100}.{cents % 100:02}"


def product_record(rng, index, layout):
    """Draw one product. The draws keep a fixed order, so a count and layout always
    give the same catalogue whether or not the Hugo site is written too."""
    sku = f"P{index:06}"
    categories = rng.sample(range(CATEGORY_COUNT), 2)
    images = rng.sample(range(IMAGE_COUNT), 4)
    price = rng.randint(500, 20000)
    record = {
        "index": index,
        "sku": sku,
        "title": f"{sentence(rng, 4)[:-1]} {index}",
        "description": sentence(rng, 12),
        "price": price,
        "categories": [f"rayon-{c:02}" for c in categories],
        "images": [f"/images/image-{i:02}.svg" for i in images],
        "grams": rng.randint(100, 2000),
        "variants": [(f"{sku}-{size}", size, price + position * 200) for position, size in enumerate(SIZES)],
        "body": body(rng),
    }
    if layout == "demo":
        record["title_en"] = f"{sentence(rng, 4)[:-1]} {index} (en)"
        record["body_en"] = body(rng)
    return record


def toml_list(values):
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def comptoir_product(record):
    lines = [
        "+++",
        f'sku = "{record["sku"]}"',
        f'title = "{record["title"]}"',
        f'description = "{record["description"]}"',
        f'price = "{money(record["price"])}"',
        f"categories = {toml_list(record['categories'])}",
        f"images = {toml_list(record['images'])}",
        f"weight = {record['grams']}",
        "",
        "[[options]]",
        'name = "taille"',
        f"values = {toml_list(SIZES)}",
    ]
    for sku, size, cents in record["variants"]:
        lines += [
            "",
            "[[variants]]",
            f'sku = "{sku}"',
            f'options = {{ taille = "{size}" }}',
            f'price = "{money(cents)}"',
        ]
    lines += ["+++", record["body"], ""]
    return "\n".join(lines)


def hugo_product(record):
    """Front matter for the Hugo site. `weight` is reserved by Hugo for sorting,
    so the product's weight goes in `grams`."""
    lines = [
        "+++",
        f'title = "{record["title"]}"',
        f'description = "{record["description"]}"',
        f'slug = "{record["sku"].lower()}"',
        f'sku = "{record["sku"]}"',
        f'price = "{money(record["price"])}"',
        f"categories = {toml_list(record['categories'])}",
        f"images = {toml_list(record['images'])}",
        f"grams = {record['grams']}",
    ]
    for sku, size, cents in record["variants"]:
        lines += ["", "[[variants]]", f'sku = "{sku}"', f'size = "{size}"', f'price = "{money(cents)}"']
    lines += ["+++", record["body"], ""]
    return "\n".join(lines)


def image_svg(index):
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#{index * 12:02x}8866"/></svg>\n'


def start_hugo_site(root):
    """Copy the Hugo configuration and layouts kept in bench/hugo, and the Comptoir
    theme's stylesheets in the order of their @import lines, which Hugo Pipes then
    minifies and fingerprints as lightningcss does for Comptoir."""
    shutil.copy(os.path.join(HUGO_SOURCE, "hugo.toml"), os.path.join(root, "hugo.toml"))
    shutil.copytree(os.path.join(HUGO_SOURCE, "layouts"), os.path.join(root, "layouts"))
    parts = []
    with open(os.path.join(THEME_STYLES, "main.css"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("@import"):
                with open(os.path.join(THEME_STYLES, line.split('"')[1]), encoding="utf-8") as imported:
                    parts.append(imported.read())
    write(os.path.join(root, "assets", "main.css"), "\n".join(parts))


def generate(root, products, layout, hugo_root=None):
    rng = random.Random(f"{products}-{layout}")
    for folder in (root, hugo_root):
        if folder and os.path.exists(folder):
            shutil.rmtree(folder)
    stores = SINGLE_STORES if layout == "single" else DEMO_STORES
    write(os.path.join(root, "site.toml"), SHOP + stores)
    if hugo_root:
        os.makedirs(hugo_root)
        start_hugo_site(hugo_root)

    for index in range(IMAGE_COUNT):
        write(os.path.join(root, "static", "images", f"image-{index:02}.svg"), image_svg(index))
        if hugo_root:
            write(os.path.join(hugo_root, "static", "images", f"image-{index:02}.svg"), image_svg(index))
    for index in range(CATEGORY_COUNT):
        description = sentence(rng, 8)
        text = sentence(rng, 30)
        write(
            os.path.join(root, "content", "categories", f"rayon-{index:02}.md"),
            f'+++\ntitle = "Rayon {index:02}"\ndescription = "{description}"\n+++\n{text}\n',
        )
        if hugo_root:
            # A term's own page in Hugo is the _index.md of its folder.
            write(
                os.path.join(hugo_root, "content", "categories", f"rayon-{index:02}", "_index.md"),
                f'+++\ntitle = "Rayon {index:02}"\ndescription = "{description}"\n+++\n{text}\n',
            )
        if layout == "demo":
            write(
                os.path.join(root, "content", "categories", f"rayon-{index:02}.en.md"),
                f'+++\ntitle = "Department {index:02}"\n+++\n{sentence(rng, 30)}\n',
            )

    for index in range(products):
        record = product_record(rng, index, layout)
        folder = f"{index // 1000:03}"
        name = record["sku"].lower()
        write(os.path.join(root, "content", "products", folder, f"{name}.md"), comptoir_product(record))
        if hugo_root:
            write(os.path.join(hugo_root, "content", "products", folder, f"{name}.md"), hugo_product(record))
        if layout == "demo":
            write(
                os.path.join(root, "content", "products", folder, f"{name}.en.md"),
                f'+++\ntitle = "{record["title_en"]}"\n+++\n{record["body_en"]}\n',
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, required=True, help="number of products")
    parser.add_argument("--layout", choices=["single", "demo"], default="single")
    parser.add_argument("--out", required=True, help="folder of the Comptoir shop to (re)create")
    parser.add_argument(
        "--hugo-out",
        help="folder of the equivalent Hugo site to (re)create from the same products (layout single only)",
    )
    arguments = parser.parse_args()
    if arguments.hugo_out and arguments.layout != "single":
        parser.error("--hugo-out needs --layout single: the Hugo site has one locale and one currency")
    generate(arguments.out, arguments.products, arguments.layout, arguments.hugo_out)


if __name__ == "__main__":
    main()
