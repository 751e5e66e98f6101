#!/usr/bin/env python3
"""Issue 18's photo benchmark: per kind of degradation, how many images each decoder reads.

    bench.py OUT_DIR [OURS_TSV]

Generates the corpus into OUT_DIR (generate.py) unless OUT_DIR/manifest.tsv exists, decodes
every image with zxing-cpp (PyPI `zxing-cpp`) and zbar (PyPI `pyzbar` over Debian's libzbar0,
the library behind `zbarimg`), in this process, and reads our decoder's results from OURS_TSV
(the output of `cargo run --release -p elicense-core --example qr_photos -- OUT_DIR/manifest.tsv`;
`scripts/qr-photos.sh` runs both). Prints a table per kind (images read / images), the totals,
wrong texts (a text read that is not the expected one: must be 0 for us), and the median decode
time per image for each decoder (image loading excluded; each image decoded 3 times, median
kept). Asserts nothing: figures go to docs/BENCHMARKS.md.
"""

import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import cv2
import zxingcpp
from pyzbar import pyzbar

HERE = Path(__file__).resolve().parent


def timed(decode, img):
    times, texts = [], []
    for _ in range(3):
        start = time.perf_counter()
        texts = decode(img)
        times.append(time.perf_counter() - start)
    return texts, sorted(times)[1] * 1e6


def zxing(img):
    return [r.text for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)]


def zbar(img):
    out = []
    for r in pyzbar.decode(img, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        try:
            out.append(r.data.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(repr(r.data))
    return out


def outcome(texts, expected):
    if expected in texts:
        return "ok"
    return "wrong" if texts else "none"


def main():
    out_dir = Path(sys.argv[1])
    if not (out_dir / "manifest.tsv").exists():
        import subprocess
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(out_dir)], check=True)
    rows = [line.split("\t") for line in (out_dir / "manifest.tsv").read_text().splitlines()[1:]]
    ours = {}
    if len(sys.argv) > 2:
        for line in Path(sys.argv[2]).read_text().splitlines():
            cols = line.split("\t")
            ours[cols[0]] = (cols[1], float(cols[3]))
    decoders = {"zxing-cpp": zxing, "zbar": zbar}
    names = (["ours"] if ours else []) + list(decoders)
    per_kind = defaultdict(lambda: defaultdict(int))
    totals = defaultdict(int)
    wrong = defaultdict(list)
    times = defaultdict(list)
    count = defaultdict(int)
    for file, kind, strength, license_name, expected in rows:
        img = cv2.imread(str(out_dir / file), cv2.IMREAD_GRAYSCALE)
        count[kind] += 1
        results = {}
        if ours:
            results["ours"] = ours.get(file, ("none", 0.0))
        for name, decode in decoders.items():
            texts, micros = timed(decode, img)
            results[name] = (outcome(texts, expected), micros)
        for name, (result, micros) in results.items():
            times[name].append(micros)
            if result == "ok":
                per_kind[kind][name] += 1
                totals[name] += 1
            elif result == "wrong":
                wrong[name].append(file)
    width = max(len(k) for k in count) + 2
    print(f"{'kind':<{width}}" + "".join(f"{n:>12}" for n in names))
    for kind in count:
        print(f"{kind:<{width}}" + "".join(f"{per_kind[kind][n]:>9}/{count[kind]:<2}" for n in names))
    total = sum(count.values())
    print(f"{'total':<{width}}" + "".join(f"{totals[n]:>8}/{total:<3}" for n in names))
    kinds_below = {n: [k for k in count if per_kind[k][n] < per_kind[k]["zbar"]] for n in names}
    print(f"{'kinds below zbar':<{width}}" + "".join(f"{len(kinds_below[n]):>12}" for n in names))
    print(f"{'wrong texts':<{width}}" + "".join(f"{len(wrong[n]):>12}" for n in names))
    print(f"{'median µs/image':<{width}}" + "".join(f"{statistics.median(times[n]):>12.0f}" for n in names))
    for n in names:
        if kinds_below[n] and n == "ours":
            print(f"ours below zbar in: {', '.join(kinds_below[n])}")
        for f in wrong[n]:
            print(f"WRONG TEXT from {n}: {f}")


if __name__ == "__main__":
    main()
