/**
 * FF1 micro-benchmark, one thread: `node --import tsx bench/micro/ff1.ts [ms per trial]`.
 *
 * Production parameters (AES-256, radix 36, n = 12, empty tweak), values encrypted in
 * batches the way workers draw counters, each ciphertext turned into its 12 numerals (as
 * character codes). For comparison: other batch sizes, the bare AES calls (the floor), and
 * @noble/ciphers' FF1 one value at a time. Each figure is the median of 5 trials; rates per
 * second of process CPU time (all threads: GC and ArrayBuffer sweeping included) are steadier
 * than wall-clock rates on a shared machine, both are printed.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { FF1 as nobleFF1 } from '@noble/ciphers/ff1.js';
import { FF1 } from '../../src/core/ff1.js';

const trialMs = Number(process.argv[2] ?? 400);
const TRIALS = 5;

/** Milliseconds of CPU time used so far by the whole process (all its threads). */
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

interface Rate {
  /** Values per second of process CPU time: steadier than wall time on a shared machine. */
  cpu: number;
  /** Values per second of wall time. */
  wall: number;
}

/** Rates of `run`, which handles `perRun` values per call: medians of TRIALS trials of trialMs of CPU time. */
function valuesPerSecond(run: () => void, perRun: number): Rate {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let w = cpuMs(); cpuMs() - w < trialMs / 2;) run(); // JIT warm-up
  for (let trial = 0; trial < TRIALS; trial++) {
    let runs = 0;
    const cpuStart = cpuMs();
    const wallStart = performance.now();
    let cpuElapsed: number;
    do {
      for (let i = 0; i < 16; i++) run();
      runs += 16;
      cpuElapsed = cpuMs() - cpuStart;
    } while (cpuElapsed < trialMs);
    cpu.push((runs * perRun) / (cpuElapsed / 1000));
    wall.push((runs * perRun) / ((performance.now() - wallStart) / 1000));
  }
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[TRIALS >> 1]!;
  return { cpu: median(cpu), wall: median(wall) };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Char codes of the two numerals of pair = v1 * 36 + v2 (0..1295). */
const PAIR_HI = new Uint8Array(1296);
const PAIR_LO = new Uint8Array(1296);
for (let pair = 0; pair < 1296; pair++) {
  PAIR_HI[pair] = ALPHABET.charCodeAt(Math.floor(pair / 36));
  PAIR_LO[pair] = ALPHABET.charCodeAt(pair % 36);
}
const D4 = 36 ** 4;

/** Writes the 6 numerals (char codes) of a half (< 36^6) at out[o..o+5]. */
function writeHalf(x: number, out: Uint8Array, o: number): void {
  const top = Math.floor(x / D4); // < 1296
  const rest = x - top * D4; // < 36^4 < 2^21
  const mid = (rest / 1296) | 0;
  const low = rest - mid * 1296;
  out[o] = PAIR_HI[top]!;
  out[o + 1] = PAIR_LO[top]!;
  out[o + 2] = PAIR_HI[mid]!;
  out[o + 3] = PAIR_LO[mid]!;
  out[o + 4] = PAIR_HI[low]!;
  out[o + 5] = PAIR_LO[low]!;
}

const key = randomBytes(32);
/** The numerals (char codes) written by the last `ours` loop made, for the self-check. */
let lastOutput = new Uint8Array(0);
const ff1 = new FF1(key, 36, 12);

/** Batches of `batch` plaintexts (a fixed high half, a counter in the low half), encrypted, then written as numerals. */
function ours(batch: number, numerals: boolean): () => void {
  const a = new Float64Array(batch);
  const b = new Float64Array(batch);
  const out = new Uint8Array(batch * 12);
  lastOutput = out;
  let counter = 0;
  return () => {
    for (let k = 0; k < batch; k++) {
      a[k] = 123_456_789;
      b[k] = counter++ % 2_176_782_336;
    }
    ff1.encryptHalves(a, b, batch);
    if (numerals) {
      for (let k = 0; k < batch; k++) {
        writeHalf(a[k]!, out, k * 12);
        writeHalf(b[k]!, out, k * 12 + 6);
      }
    }
  };
}

/** The floor: 10 update() calls of `batch` blocks each, nothing else. */
function bareAes(batch: number): () => void {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  cipher.setAutoPadding(false);
  const input = new Uint8Array(batch * 16);
  return () => {
    for (let round = 0; round < 10; round++) input[0] = cipher.update(input)[0]!;
  };
}

function decryption(batch: number): () => void {
  const a = new Float64Array(batch).fill(1);
  const b = new Float64Array(batch).fill(2);
  return () => ff1.decryptHalves(a, b, batch);
}

function noble(): () => void {
  const cipher = nobleFF1(36, key);
  let x = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  return () => {
    x = cipher.encrypt(x);
  };
}

// What is measured is right: the first batch's numerals equal noble's ciphertexts.
{
  ours(64, true)(); // plaintexts (123456789, k) for k = 0..63
  const noble = nobleFF1(36, key);
  const numerals = (x: number): number[] => [...x.toString(36).padStart(6, '0')].map((ch) => parseInt(ch, 36));
  for (let k = 0; k < 64; k++) {
    const got = String.fromCharCode(...lastOutput.subarray(k * 12, k * 12 + 12));
    const expected = noble.encrypt([...numerals(123_456_789), ...numerals(k)]).map((v) => ALPHABET[v]);
    if (got !== expected.join('')) throw new Error(`benchmark self-check failed for value ${k}: ${got}`);
  }
}

const rows: [string, Rate][] = [];
const measure = (name: string, run: () => void, perRun: number): void => {
  const rate = valuesPerSecond(run, perRun);
  rows.push([name, rate]);
  const mps = (x: number): string => (x / 1e6).toFixed(3).padStart(8);
  console.log(
    `${name.padEnd(56)} ${mps(rate.cpu)} M/s ${(1e9 / rate.cpu).toFixed(0).padStart(7)} ns ${mps(rate.wall)} M/s`,
  );
};

console.log(
  `FF1, AES-256, radix 36, n = 12, empty tweak; one thread; medians of ${TRIALS} trials of ${trialMs} ms CPU`,
);
console.log(`${''.padEnd(56)}  per CPU second (process)   per wall second`);
measure('ours, batch 64, + 12 numerals (the production figure)', ours(64, true), 64);
measure('ours, batch 64, halves only', ours(64, false), 64);
measure('bare AES: 10 x update() of 64 blocks (the floor)', bareAes(64), 64);
measure('decryptHalves, batch 64', decryption(64), 64);
for (const batch of [1, 16, 32, 128, 256, 512]) {
  measure(`ours, batch ${batch}, + 12 numerals`, ours(batch, true), batch);
  measure(`bare AES: 10 x update() of ${batch} blocks`, bareAes(batch), batch);
}
measure('@noble/ciphers FF1, one value', noble(), 1);
const ratio = rows[0]![1].cpu / rows[rows.length - 1]![1].cpu;
console.log(`ours (batch 64) / noble: ${ratio.toFixed(0)}x`);
