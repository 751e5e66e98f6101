#!/usr/bin/env python3
"""Generate the degraded-photo corpus of issue 18 from the project's own QR codes.

    generate.py OUT_DIR [SALT]

Reads the committed QR images of the sample licenses (fixtures/licenses/*.qr.png, 4 px per
module, written by `elicense qr`), recovers their module matrices, and writes into OUT_DIR one
image per (kind, strength, license) plus `manifest.tsv` (file, kind, strength, license, expected
text). Every kind of degradation the issue names is simulated at several strengths: scale (pixels
per module), rotation, Gaussian and motion blur, JPEG quality, Gaussian and salt-and-pepper noise,
perspective skew, uneven lighting, shadows, low contrast, inverted colours, a code inside a busy
photo, a glare spot, moire from photographing a screen, and a code printed small on an A4 page
scanned at 200 dpi.

Deterministic: a fixed seed per image (numpy's PCG64), so the same versions of numpy and OpenCV
give the same files (requirements.txt pins them). SALT (default empty) changes every seed: the
same kinds and strengths with other noise, corners, backgrounds and spots, a held-out corpus for
checking that what was chosen on the default one is not fitted to its particular images.
"""

import hashlib
import math
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
LICENSES = ["business-license", "driving-permit", "real-estate-with-attachments"]
SOURCE_MODULE_PX = 4
QUIET = 4  # modules of quiet zone in the committed images


def modules(name):
    """The module matrix (True = dark) of a committed QR image, quiet zone excluded."""
    img = cv2.imread(str(ROOT / "fixtures" / "licenses" / f"{name}.qr.png"), cv2.IMREAD_GRAYSCALE)
    n = img.shape[0] // SOURCE_MODULE_PX - 2 * QUIET
    centres = (np.arange(n) + QUIET) * SOURCE_MODULE_PX + SOURCE_MODULE_PX // 2
    return img[np.ix_(centres, centres)] < 128


def render(matrix, px, quiet=QUIET, dark=0, light=255):
    """The matrix at `px` pixels per module (fractional: area-resampled from a fine grid)."""
    n = matrix.shape[0] + 2 * quiet
    grid = np.full((n, n), light, np.uint8)
    grid[quiet:-quiet, quiet:-quiet] = np.where(matrix, dark, light)
    fine = 8
    big = np.kron(grid, np.ones((fine, fine), np.uint8))
    side = max(1, round(n * px))
    return cv2.resize(big, (side, side), interpolation=cv2.INTER_AREA)


def canvas(img, margin, value=255):
    return cv2.copyMakeBorder(img, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=value)


def rotate(img, degrees):
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def perspective(img, skew, rng):
    h, w = img.shape
    img = canvas(img, int(w * 0.15))
    h, w = img.shape
    d = skew * w
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[d * rng.uniform(0.5, 1), d * rng.uniform(0, 0.5)],
                      [w - d * rng.uniform(0, 0.3), 0],
                      [w, h - d * rng.uniform(0.2, 0.6)],
                      [d * rng.uniform(0, 0.4), h]])
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def motion_blur(img, length, angle):
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1)
    k = cv2.warpAffine(k, m, (length, length))
    k /= k.sum()
    return cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REPLICATE)


def busy_background(h, w, rng):
    """A cluttered desk photo stand-in: smooth colour blobs, edges, text-like strokes."""
    base = cv2.resize(rng.integers(60, 220, (max(2, h // 60), max(2, w // 60))).astype(np.uint8),
                      (w, h), interpolation=cv2.INTER_CUBIC)
    for _ in range(40):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.line(base, (x, y), (x + int(rng.integers(-200, 200)), y + int(rng.integers(-200, 200))),
                 int(rng.integers(0, 255)), int(rng.integers(1, 6)))
    for _ in range(30):
        cv2.putText(base, "LICENCE No. 2026 ELICENSE", (int(rng.integers(0, w)), int(rng.integers(0, h))),
                    cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.4, 1.5)), int(rng.integers(0, 120)), 2)
    return cv2.GaussianBlur(base, (3, 3), 0)


def paste(background, img, x, y):
    out = background.copy()
    h, w = img.shape
    out[y:y + h, x:x + w] = img
    return out


def kinds():
    """(kind, strength, function of (matrix, rng) -> image, JPEG quality or None)."""
    out = []
    for px in (2.0, 2.5, 3.0, 3.5, 5.0):
        out.append(("scale", f"{px}px", lambda m, r, px=px: render(m, px), None))
    for deg in (5, 10, 30, 45, 90):
        out.append(("rotation", f"{deg}deg", lambda m, r, deg=deg: rotate(render(m, 4), deg), None))
    for sigma in (1.0, 1.5, 2.0):
        out.append(("blur", f"sigma{sigma}",
                    lambda m, r, s=sigma: cv2.GaussianBlur(render(m, 5), (0, 0), s), None))
    for length in (5, 9, 13):
        out.append(("motion_blur", f"{length}px",
                    lambda m, r, n=length: motion_blur(canvas(render(m, 5), 20), n, 20), None))
    for quality in (30, 20, 10):
        out.append(("jpeg", f"q{quality}", lambda m, r: render(m, 4), quality))
    for sigma in (20, 40, 60):
        out.append(("noise", f"sigma{sigma}", lambda m, r, s=sigma: np.clip(
            render(m, 4).astype(np.float32) + r.normal(0, s, render(m, 4).shape), 0, 255
        ).astype(np.uint8), None))
    for p in (0.02, 0.05, 0.10):
        def sp(m, r, p=p):
            img = render(m, 4).copy()
            u = r.random(img.shape)
            img[u < p / 2] = 0
            img[u > 1 - p / 2] = 255
            return img
        out.append(("salt_pepper", f"{int(p * 100)}pct", sp, None))
    for skew in (0.1, 0.2, 0.3):
        out.append(("perspective", f"skew{skew}", lambda m, r, k=skew: perspective(render(m, 5), k, r), None))
    for depth in (0.4, 0.6, 0.8):
        def lighting(m, r, d=depth):
            img = canvas(render(m, 4), 30).astype(np.float32)
            h, w = img.shape
            yy, xx = np.mgrid[0:h, 0:w]
            gain = 1 - d * (xx / w * 0.7 + yy / h * 0.3)
            return np.clip(img * gain, 0, 255).astype(np.uint8)
        out.append(("lighting", f"depth{depth}", lighting, None))
    for depth in (0.3, 0.5, 0.7):
        def shadow(m, r, d=depth):
            img = canvas(render(m, 4), 30).astype(np.float32)
            h, w = img.shape
            mask = np.zeros((h, w), np.uint8)
            pts = np.array([[0, int(h * 0.2)], [int(w * 0.7), 0], [int(w * 0.9), int(h * 0.5)],
                            [int(w * 0.2), h]], np.int32)
            cv2.fillPoly(mask, [pts], 255)
            mask = cv2.GaussianBlur(mask, (0, 0), 15).astype(np.float32) / 255
            return np.clip(img * (1 - d * mask), 0, 255).astype(np.uint8)
        out.append(("shadow", f"depth{depth}", shadow, None))
    for span in (60, 35, 20):
        out.append(("low_contrast", f"span{span}",
                    lambda m, r, s=span: render(m, 4, dark=128 - s // 2, light=128 + s // 2), None))
    for px in (4, 6):
        out.append(("inverted", f"{px}px", lambda m, r, px=px: 255 - render(m, px), None))
    for px in (3.0, 4.0, 5.0):
        def busy(m, r, px=px):
            code = render(m, px)
            h, w = code.shape
            bg = busy_background(int(h * 2.2), int(w * 2.6), r)
            return paste(bg, code, int(r.integers(0, bg.shape[1] - w)), int(r.integers(0, bg.shape[0] - h)))
        out.append(("busy_photo", f"{px}px", busy, None))
    for radius in (0.15, 0.25, 0.35):
        def glare(m, r, rad=radius):
            img = canvas(render(m, 5), 20).astype(np.float32)
            h, w = img.shape
            yy, xx = np.mgrid[0:h, 0:w]
            cx, cy = w * r.uniform(0.3, 0.7), h * r.uniform(0.3, 0.7)
            spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (rad * w) ** 2))
            return np.clip(img + 230 * spot, 0, 255).astype(np.uint8)
        out.append(("glare", f"r{radius}", glare, None))
    for pitch in (3, 4, 5):
        def moire(m, r, pitch=pitch):
            # The code on a screen (each module several sub-pixels, a dark grid between pixels),
            # photographed slightly rotated and resampled: the grid beats with the camera's pixels.
            screen = render(m, pitch * 3).astype(np.float32)
            h, w = screen.shape
            yy, xx = np.mgrid[0:h, 0:w]
            grid = 0.75 + 0.25 * (((xx % pitch) != 0) & ((yy % pitch) != 0))
            shot = rotate((screen * grid).astype(np.uint8), 3)
            side = int(shot.shape[0] / (pitch * 3) * 3.5)
            photo = cv2.resize(shot, (side, side), interpolation=cv2.INTER_LINEAR)
            return np.clip(photo.astype(np.float32) * 0.85 + 20 + r.normal(0, 6, photo.shape), 0, 255).astype(np.uint8)
        out.append(("moire", f"pitch{pitch}", moire, 85))
    for cm in (2.5, 3.0, 4.0):
        def a4(m, r, cm=cm):
            # An A4 page at 200 dpi (1654 x 2339) with the code printed `cm` wide (quiet zone
            # included), slightly blurred and noisy like a flatbed scan.
            page = np.full((2339, 1654), 245, np.uint8)
            for line in range(12):
                cv2.putText(page, "Business licence ... registered capital ... scope of business",
                            (150, 300 + line * 90), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
            n = m.shape[0] + 2 * QUIET
            px = cm / 2.54 * 200 / n
            code = render(m, px)
            page = paste(page, code, 1654 - 150 - code.shape[1], 2339 - 200 - code.shape[0])
            page = cv2.GaussianBlur(page, (0, 0), 0.6)
            return np.clip(page.astype(np.float32) + r.normal(0, 4, page.shape), 0, 255).astype(np.uint8)
        out.append(("a4_scan_200dpi", f"{cm}cm", a4, None))
    return out


def main():
    out_dir = Path(sys.argv[1])
    salt = sys.argv[2] if len(sys.argv) > 2 else ""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    matrices = {name: modules(name) for name in LICENSES}
    texts = {name: (ROOT / "fixtures" / "licenses" / f"{name}.qr.txt").read_text().strip() for name in LICENSES}
    for kind, strength, make, quality in kinds():
        for name in LICENSES:
            seed = int.from_bytes(hashlib.sha256(f"{salt}{kind}/{strength}/{name}".encode()).digest()[:8], "big")
            rng = np.random.Generator(np.random.PCG64(seed))
            img = make(matrices[name], rng)
            if quality is None:
                file = f"{kind}-{strength}-{name}.png"
                cv2.imwrite(str(out_dir / file), img)
            else:
                file = f"{kind}-{strength}-{name}.jpg"
                cv2.imwrite(str(out_dir / file), img, [cv2.IMWRITE_JPEG_QUALITY, quality])
            rows.append((file, kind, strength, name, texts[name]))
    with open(out_dir / "manifest.tsv", "w") as f:
        f.write("file\tkind\tstrength\tlicense\ttext\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    print(f"{len(rows)} images of {len({r[1] for r in rows})} kinds in {out_dir}")


if __name__ == "__main__":
    main()
