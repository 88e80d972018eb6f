// A fake camera for Chromium: turns a QR code (a PNG screenshot of an element, or an SVG
// string) into a YUV4MPEG2 file that `--use-file-for-fake-video-capture` plays in a loop, as
// if the officer held the phone over the driver's screen.
//
// The picture is drawn in a Chromium page (no image library needed in Node): a white 640×480
// frame with the code centred, nine tenths of the frame's height, pixels kept sharp.
import { chromium } from "playwright-core";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import path from "node:path";
import { CHROMIUM, CHROMIUM_ARGS } from "./browser.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/// Chromium flags that make `getUserMedia` answer with `file` and never ask.
export function fakeCameraArgs(file) {
  return [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    `--use-file-for-fake-video-capture=${file}`,
  ];
}

/// The SVG QR code of a pass, from `shared::pass::qr::svg` (the verifier crate's `qr_svg`
/// example): the same rendering the driver's pass screen uses.
export async function passQrSvg(pass) {
  const { stdout } = await promisify(execFile)(
    "cargo",
    ["run", "--quiet", "-p", "borderpass-verifier", "--example", "qr_svg", "--", pass],
    { cwd: ROOT, env: process.env, maxBuffer: 1 << 24 },
  );
  return stdout.trim();
}

/// Writes `file` (`.y4m`): `frames` identical frames of the image given as `png` (a Buffer)
/// or `svg` (a string), on white, `width` × `height`.
export async function writeFakeCamera({ png, svg, file, width = 640, height = 480, frames = 5 }) {
  if (!png === !svg) throw new Error("give exactly one of png or svg");
  const src = png
    ? `data:image/png;base64,${png.toString("base64")}`
    : `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
  const rgba = await rasterise(src, width, height);
  const { y, u, v } = toI420(rgba, width, height);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, u, v]);
  await writeFile(file, Buffer.concat([header, ...Array(frames).fill(frame)]));
  return file;
}

async function rasterise(src, width, height) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    const base64 = await page.evaluate(
      async ({ src, width, height }) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, width, height);
        ctx.imageSmoothingEnabled = false;
        const side = Math.floor(Math.min(width, height) * 0.9);
        const ratio = (img.naturalWidth || side) / (img.naturalHeight || side);
        const [w, h] = ratio >= 1 ? [side, side / ratio] : [side * ratio, side];
        ctx.drawImage(img, (width - w) / 2, (height - h) / 2, w, h);
        const data = ctx.getImageData(0, 0, width, height).data;
        let s = "";
        for (let i = 0; i < data.length; i += 0x8000) {
          s += String.fromCharCode(...data.subarray(i, i + 0x8000));
        }
        return btoa(s);
      },
      { src, width, height },
    );
    return Buffer.from(base64, "base64");
  } finally {
    await browser.close();
  }
}

/// RGBA → planar YUV 4:2:0 (BT.601, full range as `C420jpeg` declares).
function toI420(rgba, width, height) {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (n) => Math.max(0, Math.min(255, Math.round(n)));
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const p = (j * width + i) * 4;
      y[j * width + i] = clamp(0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]);
    }
  }
  for (let j = 0; j < height / 2; j++) {
    for (let i = 0; i < width / 2; i++) {
      let r = 0, g = 0, b = 0;
      for (const [di, dj] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = ((2 * j + dj) * width + 2 * i + di) * 4;
        r += rgba[p];
        g += rgba[p + 1];
        b += rgba[p + 2];
      }
      [r, g, b] = [r / 4, g / 4, b / 4];
      u[j * (width / 2) + i] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[j * (width / 2) + i] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return { y, u, v };
}
