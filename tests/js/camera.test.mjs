// Image-size arithmetic and the JPEG header reader behind photo downscaling (SYNC.md, PWA rule 1).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { MAX_LONG_SIDE, downscaleSteps, fitWithin, jpegInfo, uprightSize } from "../../pwa/js/camera.js";

const fixture = (name) => {
  const bytes = readFileSync(new URL(`../fixtures/photos/${name}`, import.meta.url));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};

test("fits the long side within 1600 px, keeps the aspect ratio, never upscales", () => {
  assert.deepEqual(fitWithin(6000, 4000), { width: 1600, height: 1067 });
  assert.deepEqual(fitWithin(3000, 4000), { width: 1200, height: 1600 });
  assert.deepEqual(fitWithin(1200, 900), { width: 1200, height: 900 });
  assert.deepEqual(fitWithin(1600, 1600), { width: 1600, height: 1600 });
});

test("a 24 MP photo steps down by halves: no canvas is ever larger than half the source", () => {
  const steps = downscaleSteps(6000, 4000);
  assert.deepEqual(steps, [{ width: 3000, height: 2000 }, { width: 1600, height: 1067 }]);
  for (const step of steps) assert.ok(step.width * step.height <= (6000 * 4000) / 4);
  const huge = downscaleSteps(8000, 6000);
  assert.deepEqual(huge, [{ width: 4000, height: 3000 }, { width: 2000, height: 1500 }, { width: 1600, height: 1200 }]);
  assert.ok(Math.max(huge.at(-1).width, huge.at(-1).height) <= MAX_LONG_SIDE);
});

test("exact halvings need no extra step; small photos need no canvas at all", () => {
  assert.deepEqual(downscaleSteps(3200, 2400), [{ width: 1600, height: 1200 }]);
  assert.deepEqual(downscaleSteps(1600, 1200), []);
  assert.deepEqual(downscaleSteps(800, 600), []);
  assert.deepEqual(downscaleSteps(2000, 1500), [{ width: 1600, height: 1200 }]);
});

test("reads size and EXIF orientation from a JPEG header", () => {
  const upright = jpegInfo(fixture("orientation/landscape_1.jpg"));
  assert.equal(upright.orientation, 1);
  assert.ok(upright.width > upright.height);
  const turned = jpegInfo(fixture("orientation/landscape_6.jpg"));
  assert.equal(turned.orientation, 6);
  const shown = uprightSize(turned);
  assert.equal(shown.width, turned.height);
  assert.equal(shown.height, turned.width);
  for (const n of [2, 3, 4, 5, 7, 8]) assert.equal(jpegInfo(fixture(`orientation/landscape_${n}.jpg`)).orientation, n);
});

test("anything that is not a JPEG gives null instead of throwing", () => {
  assert.equal(jpegInfo(new Uint8Array([0x89, 0x50, 0x4e, 0x47]).buffer), null);
  assert.equal(jpegInfo(new ArrayBuffer(0)), null);
  assert.equal(jpegInfo(new Uint8Array([0xff, 0xd8, 0xff]).buffer), null);
  assert.equal(jpegInfo(fixture("orientation/landscape_1.jpg").slice(0, 40)), null);
});
