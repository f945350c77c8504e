#!/usr/bin/env node
// Draws the app icon from one list of shapes into assets/icon.svg (the source), PNGs (1024/512/256),
// assets/icon.ico (Windows) and assets/icon.icns (macOS). Needs nothing but Node: shapes are
// rasterised with signed distances (anti-aliased edges), PNGs written with zlib, ICO/ICNS hold PNGs.
// Run by hand after changing the design (`node scripts/make-icons.mjs`); the outputs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;
// macOS icon grid: an 824-unit rounded square centred on the 1024 canvas, transparent around it.
const BODY = { x: 100, y: 100, w: 824, h: 824, r: 185 };
const TOP = [30, 58, 138]; // indigo-900
const BOTTOM = [14, 116, 144]; // cyan-700
const WHITE = [255, 255, 255];
const AMBER = [245, 158, 11];
// A timeline: a spine, three events (the middle one, amber, is the audited change), their details.
const SPINE = { x1: 372, y1: 300, x2: 372, y2: 724, width: 32 };
const NODES = [
  { cx: 372, cy: 318, r: 52, color: WHITE },
  { cx: 372, cy: 512, r: 60, color: AMBER },
  { cx: 372, cy: 706, r: 52, color: WHITE },
];
const BARS = [
  { x1: 476, x2: 712, y: 318, width: 44, alpha: 0.9 },
  { x1: 476, x2: 780, y: 512, width: 52, alpha: 1 },
  { x1: 476, x2: 652, y: 706, width: 44, alpha: 0.9 },
];

function svg() {
  const rect = `<rect x="${BODY.x}" y="${BODY.y}" width="${BODY.w}" height="${BODY.h}" rx="${BODY.r}" fill="url(#bg)"/>`;
  const spine = `<line x1="${SPINE.x1}" y1="${SPINE.y1}" x2="${SPINE.x2}" y2="${SPINE.y2}" stroke="#fff" stroke-width="${SPINE.width}" stroke-linecap="round"/>`;
  const bars = BARS.map((b) => `<line x1="${b.x1}" y1="${b.y}" x2="${b.x2}" y2="${b.y}" stroke="#fff" stroke-opacity="${b.alpha}" stroke-width="${b.width}" stroke-linecap="round"/>`);
  const nodes = NODES.map((n) => `<circle cx="${n.cx}" cy="${n.cy}" r="${n.r}" fill="rgb(${n.color.join(',')})"/>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    '  <title>Timeline Auditor</title>',
    `  <defs><linearGradient id="bg" x1="0" y1="${BODY.y}" x2="0" y2="${BODY.y + BODY.h}" gradientUnits="userSpaceOnUse">` +
      `<stop offset="0" stop-color="rgb(${TOP.join(',')})"/><stop offset="1" stop-color="rgb(${BOTTOM.join(',')})"/></linearGradient></defs>`,
    `  ${rect}`,
    `  ${spine}`,
    ...bars.map((b) => `  ${b}`),
    ...nodes.map((n) => `  ${n}`),
    '</svg>',
    '',
  ].join('\n');
}

// Signed distances in canvas units (negative inside).
const roundedRect = (px, py, { x, y, w, h, r }) => {
  const qx = Math.abs(px - (x + w / 2)) - (w / 2 - r);
  const qy = Math.abs(py - (y + h / 2)) - (h / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const capsule = (px, py, x1, y1, x2, y2, width) => {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy)) - width / 2;
};
const circle = (px, py, { cx, cy, r }) => Math.hypot(px - cx, py - cy) - r;

/** RGBA pixels of the icon at `size`×`size`. */
function render(size) {
  const scale = size / SIZE;
  const pixels = Buffer.alloc(size * size * 4);
  const coverage = (distance) => Math.max(0, Math.min(1, 0.5 - distance * scale));
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      const px = (col + 0.5) / scale;
      const py = (row + 0.5) / scale;
      const bodyAlpha = coverage(roundedRect(px, py, BODY));
      if (bodyAlpha === 0) continue;
      const t = Math.max(0, Math.min(1, (py - BODY.y) / BODY.h));
      let color = TOP.map((top, i) => top + (BOTTOM[i] - top) * t);
      const paint = (paintColor, alpha) => {
        color = color.map((c, i) => c + (paintColor[i] - c) * alpha);
      };
      paint(WHITE, coverage(capsule(px, py, SPINE.x1, SPINE.y1, SPINE.x2, SPINE.y2, SPINE.width)));
      for (const bar of BARS) paint(WHITE, bar.alpha * coverage(capsule(px, py, bar.x1, bar.y, bar.x2, bar.y, bar.width)));
      for (const node of NODES) paint(node.color, coverage(circle(px, py, node)));
      const offset = (row * size + col) * 4;
      pixels[offset] = Math.round(color[0]);
      pixels[offset + 1] = Math.round(color[1]);
      pixels[offset + 2] = Math.round(color[2]);
      pixels[offset + 3] = Math.round(bodyAlpha * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

function png(size) {
  const rgba = render(size);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let row = 0; row < size; row += 1) rgba.copy(rows, row * (size * 4 + 1) + 1, row * size * 4, (row + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** ICO with PNG-compressed entries (Windows Vista and later). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, index) => {
    const entry = 6 + 16 * index;
    header[entry] = size >= 256 ? 0 : size;
    header[entry + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, entry + 4); // planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

/** ICNS holding PNG entries (ic10 = 512@2x … icp4 = 16), the format macOS 10.7+ reads. */
function icns(entries) {
  const blocks = entries.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + blocks.reduce((sum, block) => sum + block.length, 0), 4);
  return Buffer.concat([head, ...blocks]);
}

const out = new URL('../assets/', import.meta.url);
mkdirSync(new URL('icons/', out), { recursive: true });
const pngs = new Map([16, 24, 32, 48, 64, 128, 256, 512, 1024].map((size) => [size, png(size)]));
writeFileSync(new URL('icon.svg', out), svg());
writeFileSync(new URL('icon.png', out), pngs.get(1024));
for (const size of [1024, 512, 256, 128, 64, 48, 32, 16]) writeFileSync(new URL(`icons/${size}x${size}.png`, out), pngs.get(size));
writeFileSync(new URL('icon.ico', out), ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: pngs.get(size) }))));
writeFileSync(
  new URL('icon.icns', out),
  icns([
    { type: 'ic10', data: pngs.get(1024) },
    { type: 'ic14', data: pngs.get(512) },
    { type: 'ic09', data: pngs.get(512) },
    { type: 'ic13', data: pngs.get(256) },
    { type: 'ic08', data: pngs.get(256) },
    { type: 'ic07', data: pngs.get(128) },
    { type: 'ic12', data: pngs.get(64) },
    { type: 'icp6', data: pngs.get(64) },
    { type: 'ic11', data: pngs.get(32) },
    { type: 'icp5', data: pngs.get(32) },
    { type: 'icp4', data: pngs.get(16) },
  ]),
);
console.log('wrote assets/icon.svg, icon.png, icons/*.png, icon.ico, icon.icns');
