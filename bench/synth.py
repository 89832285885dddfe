#!/usr/bin/env python3
"""Generate a synthetic shop for the build benchmark.

Every product has 3 variants (sizes), 2 categories, 4 images and a body of 150 to 300
words, as in the reference figures of the benchmark page. The output is deterministic
for a given product count and layout, so two runs measure the same input.

Layouts:
  single  one store, one locale (fr), one currency (EUR)
  demo    the demo shop's layout: three stores (fr, pro, ch), two locales each,
          ch in CHF and EUR
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


def generate(root, products, layout):
    rng = random.Random(f"{products}-{layout}")
    if os.path.exists(root):
        shutil.rmtree(root)
    stores = SINGLE_STORES if layout == "single" else DEMO_STORES
    write(os.path.join(root, "site.toml"), SHOP + stores)

    for index in range(IMAGE_COUNT):
        write(
            os.path.join(root, "static", "images", f"image-{index:02}.svg"),
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#{index * 12:02x}8866"/></svg>\n',
        )
    for index in range(CATEGORY_COUNT):
        write(
            os.path.join(root, "content", "categories", f"rayon-{index:02}.md"),
            f'+++\ntitle = "Rayon {index:02}"\ndescription = "{sentence(rng, 8)}"\n+++\n{sentence(rng, 30)}\n',
        )
        if layout == "demo":
            write(
                os.path.join(root, "content", "categories", f"rayon-{index:02}.en.md"),
                f'+++\ntitle = "Department {index:02}"\n+++\n{sentence(rng, 30)}\n',
            )

    for index in range(products):
        sku = f"P{index:06}"
        categories = rng.sample(range(CATEGORY_COUNT), 2)
        images = rng.sample(range(IMAGE_COUNT), 4)
        price = rng.randint(500, 20000)
        lines = [
            "+++",
            f'sku = "{sku}"',
            f'title = "{sentence(rng, 4)[:-1]} {index}"',
            f'description = "{sentence(rng, 12)}"',
            f'price = "{price // 100}.{price % 100:02}"',
            "categories = [" + ", ".join(f'"rayon-{c:02}"' for c in categories) + "]",
            "images = [" + ", ".join(f'"/images/image-{i:02}.svg"' for i in images) + "]",
            f"weight = {rng.randint(100, 2000)}",
            "",
            "[[options]]",
            'name = "taille"',
            'values = ["S", "M", "L"]',
        ]
        for size_index, size in enumerate(SIZES):
            variant_price = price + size_index * 200
            lines += [
                "",
                "[[variants]]",
                f'sku = "{sku}-{size}"',
                f'options = {{ taille = "{size}" }}',
                f'price = "{variant_price // 100}.{variant_price % 100:02}"',
            ]
        lines += ["+++", body(rng), ""]
        folder = os.path.join(root, "content", "products", f"{index // 1000:03}")
        write(os.path.join(folder, f"{sku.lower()}.md"), "\n".join(lines))
        if layout == "demo":
            write(
                os.path.join(folder, f"{sku.lower()}.en.md"),
                f'+++\ntitle = "{sentence(rng, 4)[:-1]} {index} (en)"\n+++\n{body(rng)}\n',
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, required=True, help="number of products")
    parser.add_argument("--layout", choices=["single", "demo"], default="single")
    parser.add_argument("--out", required=True, help="folder to (re)create")
    arguments = parser.parse_args()
    generate(arguments.out, arguments.products, arguments.layout)


if __name__ == "__main__":
    main()
