"""Convert geopandas' naturalearth_lowres shapefile (Natural Earth 1:110m admin-0 countries) into the
small JSON that minekg.map reads: per country its ISO 3166-1 alpha-3 code (geopandas already replaced
Natural Earth's "-99" for France and Norway by ADM0_A3; a remaining "-99" becomes null), its name, and its
polygons as rings of [longitude, latitude] rounded to 0.01 degree (about 1 km, far below what 1:110m
draws). Run by naturalearth.sh with pyshp installed."""

import json
import sys

import shapefile  # pyshp


def rings(shape) -> list[list[list[float]]]:
    parts = list(shape.parts) + [len(shape.points)]
    out = []
    for a, b in zip(parts, parts[1:]):
        out.append([[round(x, 2), round(y, 2)] for x, y in shape.points[a:b]])
    return out


def main(src: str, dst: str) -> None:
    reader = shapefile.Reader(src, encoding="latin-1")  # the .cpg says ISO-8859-1
    countries = []
    for item in reader.iterShapeRecords():
        code = item.record["iso_a3"]
        countries.append(
            {
                "iso3": code if len(code) == 3 and code.isalpha() else None,
                "name": item.record["name"],
                "rings": rings(item.shape),
            }
        )
    countries.sort(key=lambda c: (c["iso3"] or "~", c["name"]))
    doc = {
        "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain), "
        "as shipped in the geopandas 0.14.4 wheel on PyPI (geopandas/datasets/naturalearth_lowres)",
        "countries": countries,
    }
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
