/**
 * Headless Chromium (Debian's `chromium` package) to look at the lab's SVG
 * the way a reader's browser does: a screenshot, and the document as parsed
 * (a file that is not well-formed XML comes back as a <parsererror> page).
 * Also a small PNG reader, so that a test can tell a blank screenshot from a
 * drawn one without an image library.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';

const execFileAsync = promisify(execFile);

const CHROMIUM_HINT =
  "headless Chromium is needed to check the lab's SVG timeline: install Debian's chromium " +
  '(sudo apt-get install chromium, or run scripts/install-test-tools.sh), or put a Chromium or Chrome binary on PATH as `chromium`';

/** Where chromium is; throws with how to get it when it is missing. */
function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found !== '') return found;
  }
  throw new Error(CHROMIUM_HINT);
}

const FLAGS = [
  '--headless',
  // Root (the lab runs as root) cannot use Chromium's sandbox.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--hide-scrollbars',
];

async function chromium(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(chromiumPath(), [...FLAGS, ...args], {
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Renders `file` at `width` x `height` into the PNG `png`. */
export async function screenshot(file: string, png: string, width: number, height: number): Promise<void> {
  await chromium([`--screenshot=${png}`, `--window-size=${width},${height}`, pathToFileURL(file).href]);
}

/** The document Chromium made of `file`, serialized. */
export function dumpDom(file: string): Promise<string> {
  return chromium(['--dump-dom', pathToFileURL(file).href]);
}

export interface Png {
  width: number;
  height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  channels: number;
  /** Rows of `width * channels` bytes, unfiltered. */
  pixels: Buffer;
}

/** Reads an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes). */
export function readPng(file: string): Png {
  const data = readFileSync(file);
  if (data.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error(`${file} is not a PNG`);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.subarray(offset + 4, offset + 8).toString('latin1');
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colorType, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`${file}: only 8-bit non-interlaced RGB or RGBA is read here`);
      }
      channels = colorType === 2 ? 3 : 4;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i += 1) {
      const left = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const upLeft = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = left;
          break;
        case 2:
          predictor = up;
          break;
        case 3:
          predictor = (left + up) >> 1;
          break;
        case 4: {
          const p = left + up - upLeft;
          const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
          predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
          break;
        }
        default:
          throw new Error(`${file}: unknown PNG filter ${filter}`);
      }
      pixels[y * stride + i] = (line[i]! + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** How many pixels of `png` are within `tolerance` of `rgb` (per channel). */
export function countColor(png: Png, rgb: readonly [number, number, number], tolerance = 8): number {
  let count = 0;
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    if (
      Math.abs(png.pixels[i]! - rgb[0]) <= tolerance &&
      Math.abs(png.pixels[i + 1]! - rgb[1]) <= tolerance &&
      Math.abs(png.pixels[i + 2]! - rgb[2]) <= tolerance
    ) {
      count += 1;
    }
  }
  return count;
}

/** Distinct colours in `png` (up to `limit`). */
export function distinctColors(png: Png, limit = 1000): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.pixels.length && seen.size < limit; i += png.channels) {
    seen.add((png.pixels[i]! << 16) | (png.pixels[i + 1]! << 8) | png.pixels[i + 2]!);
  }
  return seen.size;
}
