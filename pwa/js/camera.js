// Photos: downscale before storing (≤ 1600 px long side, JPEG ≈ 0.8) without ever drawing a full-size
// 24 MP image onto one canvas, store as ArrayBuffer + type (Safari cannot keep Blobs in IndexedDB reliably).

export const MAX_LONG_SIDE = 1600;
export const JPEG_QUALITY = 0.8;

/** The size that fits within `max` on the long side, keeping the aspect ratio; never upscales. */
export function fitWithin(width, height, max = MAX_LONG_SIDE) {
  const long = Math.max(width, height);
  if (long <= max) return { width, height };
  const scale = max / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Canvas sizes for stepwise downscaling: halve while more than twice the target, then the target.
 * Each canvas is at most half the source, so a 6000×4000 photo needs 3000×2000 at most.
 */
export function downscaleSteps(width, height, max = MAX_LONG_SIDE) {
  const target = fitWithin(width, height, max);
  const steps = [];
  let w = width;
  let h = height;
  while (w / 2 >= target.width && h / 2 >= target.height) {
    w = Math.round(w / 2);
    h = Math.round(h / 2);
    steps.push({ width: w, height: h });
  }
  if (w !== target.width || h !== target.height) steps.push(target);
  return steps;
}

/**
 * Width, height and EXIF orientation (1–8) from a JPEG's first bytes, without decoding it.
 * Returns null for anything that is not a readable JPEG.
 * @param {ArrayBuffer} buffer
 */
export function jpegInfo(buffer) {
  const view = new DataView(buffer);
  if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
  let offset = 2;
  let orientation = 1;
  while (offset + 4 <= view.byteLength) {
    if (view.getUint8(offset) !== 0xff) return null;
    const marker = view.getUint8(offset + 1);
    const length = view.getUint16(offset + 2);
    if (marker === 0xe1 && offset + 10 <= view.byteLength && view.getUint32(offset + 4) === 0x45786966) {
      orientation = exifOrientation(view, offset + 10) || orientation;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame && offset + 9 <= view.byteLength) {
      return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7), orientation };
    }
    offset += 2 + length;
  }
  return null;
}

function exifOrientation(view, tiff) {
  if (tiff + 8 > view.byteLength) return null;
  const little = view.getUint16(tiff) === 0x4949;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > view.byteLength) return null;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i += 1) {
    const entry = ifd + 2 + i * 12;
    if (entry + 10 > view.byteLength) return null;
    if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
  }
  return null;
}

/** Orientations 5–8 turn the picture by 90°: the upright image has width and height swapped. */
export function uprightSize(info) {
  return info.orientation >= 5 && info.orientation <= 8 ? { width: info.height, height: info.width } : { width: info.width, height: info.height };
}

function makeCanvas(width, height) {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

async function encode(canvas) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
}

/** Decodes at (or near) the target size where the browser can; otherwise returns the full-size bitmap. */
async function decode(file, target) {
  const options = { imageOrientation: "from-image" };
  if (target) {
    try {
      const bitmap = await createImageBitmap(file, { ...options, resizeWidth: target.width, resizeHeight: target.height, resizeQuality: "high" });
      if (bitmap.width === target.width && bitmap.height === target.height) return bitmap;
      bitmap.close();
    } catch {
      // Resize options unsupported: decode plainly and step down on canvases.
    }
  }
  return createImageBitmap(file, options);
}

/** The browser cannot decode the picture (an iPhone's HEIC in Chromium, a broken file): nothing to store. */
export class UnreadablePhoto extends Error {
  constructor(file, cause) {
    super(`cannot decode ${file?.name || "the photo"} (${file?.type || "unknown type"})`, { cause });
    this.name = "UnreadablePhoto";
  }
}

/**
 * A camera photo → {data: ArrayBuffer, type, bytes, width, height, sha256}. Throws UnreadablePhoto when the browser
 * cannot decode it.
 * @param {Blob} file
 */
export async function preparePhoto(file) {
  const head = await file.slice(0, 256 * 1024).arrayBuffer();
  const info = jpegInfo(head);
  const target = info ? fitWithin(uprightSize(info).width, uprightSize(info).height) : null;
  let source;
  try {
    source = await decode(file, target);
  } catch (error) {
    throw new UnreadablePhoto(file, error);
  }
  for (const step of downscaleSteps(source.width, source.height)) {
    const canvas = makeCanvas(step.width, step.height);
    const context = canvas.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.drawImage(source, 0, 0, step.width, step.height);
    if (source.close) source.close();
    source = canvas;
  }
  let canvas = source;
  if (typeof canvas.getContext !== "function") {
    // Decoded straight at the target size: one small canvas to encode it.
    canvas = makeCanvas(source.width, source.height);
    canvas.getContext("2d").drawImage(source, 0, 0);
    source.close();
  }
  const blob = await encode(canvas);
  const data = await blob.arrayBuffer();
  return { data, type: "image/jpeg", bytes: data.byteLength, width: canvas.width, height: canvas.height, sha256: await sha256Hex(data) };
}

export async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
