/**
 * The run as a picture, in the manner of Jepsen's timeline plots: one lane
 * per client path with its success rate each second, fault windows shaded
 * and labelled across every lane, each instance's state as bars (issuing
 * under node N, draining, claiming, not issuing, unreachable, down) and each
 * etcd member's view of the leader, with leader changes marked. Time runs
 * left to right in seconds after the load started.
 *
 * Two steps, both pure: `timelineView` reduces the run's records to what is
 * drawn; `renderTimelineSvg` draws it. Elements carry ids and classes (lane-*,
 * fault-window, state-*, leader-change) so that tests can find them.
 */
import { PATHS, type Answer } from './clients.js';
import type { FaultRun } from './faults.js';
import type { InstanceSample, InstanceStateName } from './instanceStates.js';
import type { LabEvent } from './timeline.js';

interface SecondBucket {
  /** Seconds after the load started. */
  t: number;
  ok: number;
  total: number;
  /** Client path: calls that needed more than one attempt. */
  failedOver: number;
}

interface StateSegment {
  fromS: number;
  toS: number;
  state: InstanceStateName;
  nodeId?: number;
  reason?: string;
  secondsLeft?: number;
}

export interface TimelineView {
  title: string;
  subtitle: string;
  durationS: number;
  paths: { name: string; seconds: SecondBucket[]; ok: number; total: number }[];
  faults: { index: number; kind: string; target: string; fromS: number; healS: number; toS: number }[];
  instances: { name: string; segments: StateSegment[] }[];
  etcd: { member: string; segments: { fromS: number; toS: number; leader: string }[] }[];
  leaderChanges: { atS: number; leader: string }[];
}

export interface ViewInput {
  title: string;
  subtitle: string;
  answers: readonly Answer[];
  events: readonly LabEvent[];
  samples: readonly InstanceSample[];
  runs: readonly FaultRun[];
  instances: readonly string[];
  etcdMembers: readonly string[];
  /** Timeline ms. */
  loadStart: number;
  loadEnd: number;
}

/** A leader as etcd's status says it, in the picture's words. */
const leaderName = (leader: string): string => (leader === 'id 0' || leader === '0' ? 'none' : leader);

export function timelineView(input: ViewInput): TimelineView {
  const s = (ms: number): number => (ms - input.loadStart) / 1000;
  const durationS = Math.max(1, s(input.loadEnd));
  const clip = (t: number): number => Math.min(durationS, Math.max(0, t));
  const secondCount = Math.ceil(durationS);

  const paths = PATHS.map((name) => {
    const seconds: SecondBucket[] = Array.from({ length: secondCount }, (_, t) => ({
      t,
      ok: 0,
      total: 0,
      failedOver: 0,
    }));
    let ok = 0;
    let total = 0;
    for (const a of input.answers) {
      if (a.via !== name) continue;
      const t = Math.floor(s(a.sentAt));
      const bucket = seconds[t];
      if (bucket === undefined) continue;
      bucket.total += 1;
      total += 1;
      if (a.status === 200) {
        bucket.ok += 1;
        ok += 1;
      }
      if ((a.attempts?.length ?? 1) > 1) bucket.failedOver += 1;
    }
    return { name, seconds, ok, total };
  }).filter((p) => p.total > 0);

  const faults = input.runs.map((run) => ({
    index: run.fault.index,
    kind: run.fault.kind,
    target: run.fault.target,
    fromS: clip(s(run.injectedAt)),
    healS: clip(s(run.healedAt)),
    toS: clip(s(run.doneAt)),
  }));

  const instances = input.instances.map((name) => {
    const mine = input.samples.filter((x) => x.instance === name).sort((a, b) => a.at - b.at);
    const segments: StateSegment[] = [];
    mine.forEach((sample, i) => {
      const fromS = clip(s(sample.at));
      const toS = clip(s(mine[i + 1]?.at ?? sample.at + 1000));
      if (toS <= fromS) return;
      const last = segments.at(-1);
      if (
        last !== undefined &&
        last.state === sample.state &&
        last.nodeId === sample.nodeId &&
        last.reason === sample.reason &&
        Math.abs(last.toS - fromS) < 0.001
      ) {
        last.toS = toS;
        if (sample.secondsLeft !== undefined) last.secondsLeft = sample.secondsLeft;
        return;
      }
      const segment: StateSegment = { fromS, toS, state: sample.state };
      if (sample.nodeId !== undefined) segment.nodeId = sample.nodeId;
      if (sample.reason !== undefined) segment.reason = sample.reason;
      if (sample.secondsLeft !== undefined) segment.secondsLeft = sample.secondsLeft;
      segments.push(segment);
    });
    return { name, segments };
  });

  const leaderEvents = input.events.filter(
    (e): e is Extract<LabEvent, { type: 'etcd-leader' }> => e.type === 'etcd-leader',
  );
  const etcd = input.etcdMembers.map((member) => {
    const segments: { fromS: number; toS: number; leader: string }[] = [];
    for (const e of leaderEvents.filter((x) => x.member === member)) {
      const at = clip(s(e.at));
      const last = segments.at(-1);
      if (last !== undefined) last.toS = at;
      segments.push({ fromS: at, toS: durationS, leader: leaderName(e.leader) });
    }
    return { member, segments: segments.filter((x) => x.toS > x.fromS) };
  });

  // The cluster's leader changes when a member names a leader other than the last one named.
  const leaderChanges: { atS: number; leader: string }[] = [];
  let current: string | undefined;
  for (const e of leaderEvents) {
    if (!input.etcdMembers.includes(e.leader) || e.leader === current) continue;
    if (current !== undefined && e.at >= input.loadStart && e.at <= input.loadEnd) {
      leaderChanges.push({ atS: s(e.at), leader: e.leader });
    }
    current = e.leader;
  }

  return { title: input.title, subtitle: input.subtitle, durationS, paths, faults, instances, etcd, leaderChanges };
}

// ---- Drawing ----

const WIDTH = 1400;
const LEFT = 150;
const RIGHT = 135;
const PLOT = WIDTH - LEFT - RIGHT;
const LANE_HEIGHT = 52;
const LANE_GAP = 10;
const ROW_HEIGHT = 20;
const ROW_GAP = 4;
const ETCD_ROW_HEIGHT = 16;

const COLORS = {
  ok: '#3a9a48',
  failed: '#d62728',
  noRequests: '#e6e6e6',
  failover: '#ff7f0e',
  states: {
    issuing: '#3a9a48',
    draining: '#9bd19f',
    claiming: '#f2c230',
    'not-issuing': '#d62728',
    unreachable: '#9e9e9e',
    down: '#333333',
  } satisfies Record<InstanceStateName, string>,
  leaders: ['#4c72b0', '#8172b2', '#55a868', '#c44e52', '#64b5cd', '#937860'],
  leaderNone: '#f2c230',
  unreachable: '#9e9e9e',
};

/** Fault windows are shaded by what they act on. */
const FAULT_SHADES: Record<string, string> = {
  'etcd-cut': '#e45756',
  'etcd-split': '#e45756',
  isolate: '#e45756',
  'one-way': '#e45756',
  'clock-skew': '#4c78a8',
  'clock-step': '#4c78a8',
  pause: '#b279a2',
  'kill-instance': '#b279a2',
  'kill-etcd': '#b279a2',
  'rolling-restart': '#72b7b2',
  'etcd-outage': '#f58518',
};

/** Each path's name, and a second line saying what it is. */
const PATH_LABELS: Record<string, [string, string]> = {
  direct: ['direct', 'client on 1 instance'],
  haproxy: ['HAProxy', 'plain HTTP/1.1'],
  nginx: ['nginx', 'plain HTTP/1.1'],
  client: ['client', 'failover, every instance'],
};

/** What the fault shades stand for, in the legend. */
const SHADE_LEGEND: [string, string][] = [
  ['#e45756', 'fault: network (cut, split, isolate, one-way)'],
  ['#b279a2', 'fault: process (pause, kill)'],
  ['#4c78a8', 'fault: clock (skew, step)'],
  ['#72b7b2', 'fault: rolling restart'],
  ['#f58518', 'fault: etcd outage (every member)'],
];

const STATE_LABELS: Record<InstanceStateName, string> = {
  issuing: 'issuing under node N',
  draining: 'issuing, not ready (SHUTDOWN_DELAY)',
  claiming: 'no node ID: claiming',
  'not-issuing': 'not issuing',
  unreachable: 'unreachable from the controller',
  down: 'no process',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const f1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/** A tick step that gives at most about 30 ticks. */
function tickStep(durationS: number): number {
  return [5, 10, 20, 30, 60, 120, 300, 600].find((step) => durationS / step <= 30) ?? 1200;
}

function percentText(ok: number, total: number): string {
  if (total === 0) return '–';
  const share = (ok / total) * 100;
  return `${share === 100 ? '100' : share.toFixed(share >= 99 ? 2 : 1)}%`;
}

export function renderTimelineSvg(view: TimelineView): string {
  const x = (t: number): number => LEFT + (t / view.durationS) * PLOT;
  const out: string[] = [];
  const labelRows = 3;
  const lanesTop = 58 + labelRows * 14 + 6;
  const lanesBottom = lanesTop + view.paths.length * (LANE_HEIGHT + LANE_GAP);
  const instancesTop = lanesBottom + 18;
  const instancesBottom = instancesTop + view.instances.length * (ROW_HEIGHT + ROW_GAP);
  const etcdTop = instancesBottom + 18;
  const etcdBottom = etcdTop + view.etcd.length * (ETCD_ROW_HEIGHT + ROW_GAP);
  const axisY = etcdBottom + 4;
  const legendTop = axisY + 52;
  const faultListTop = legendTop + 5 * 18 + 10;
  const faultListRows = Math.ceil(view.faults.length / 3);
  const height = faultListTop + faultListRows * 15 + 16;

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect id="background" x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text id="title" x="${LEFT}" y="22" font-size="16" font-weight="bold">${escapeXml(view.title)}</text>`,
    `<text id="subtitle" x="${LEFT}" y="42" fill="#444">${escapeXml(view.subtitle)}</text>`,
  );

  // Fault windows first, under everything, across every lane and row.
  out.push('<g id="fault-windows">');
  view.faults.forEach((fault, i) => {
    const shade = FAULT_SHADES[fault.kind] ?? '#888888';
    const top = 58 + (i % labelRows) * 14;
    const from = x(fault.fromS);
    const heal = x(fault.healS);
    const to = Math.max(x(fault.toS), from + 1);
    const title = `fault ${fault.index} ${fault.kind} on ${fault.target}: ${f1(fault.fromS)}–${f1(fault.healS)} s, whole again at ${f1(fault.toS)} s`;
    out.push(
      `<g class="fault" data-fault="${fault.index}" data-kind="${escapeXml(fault.kind)}">`,
      `<title>${escapeXml(title)}</title>`,
      `<rect class="fault-window" data-fault="${fault.index}" x="${f1(from)}" y="${top + 4}" width="${f1(Math.max(1, heal - from))}" height="${f1(etcdBottom - top - 4)}" fill="${shade}" fill-opacity="0.16" stroke="${shade}" stroke-opacity="0.7" stroke-width="1"/>`,
      `<rect class="fault-recovery" data-fault="${fault.index}" x="${f1(heal)}" y="${lanesTop}" width="${f1(Math.max(0, to - heal))}" height="${f1(etcdBottom - lanesTop)}" fill="${shade}" fill-opacity="0.06"/>`,
      `<text class="fault-label" data-fault="${fault.index}" x="${f1(from + 2)}" y="${top + 14}" font-size="11" fill="${shade}" font-weight="bold">${fault.index} ${escapeXml(fault.kind)}</text>`,
      '</g>',
    );
  });
  out.push('</g>');

  // A lane per path: each second's success rate, failures on top (at least 3 px when any).
  out.push('<g id="lanes">');
  view.paths.forEach((path, i) => {
    const top = lanesTop + i * (LANE_HEIGHT + LANE_GAP);
    const base = top + LANE_HEIGHT;
    // Adjacent seconds touch: no white seams between bars.
    const barWidth = PLOT / view.durationS + 0.3;
    const [name, what] = PATH_LABELS[path.name] ?? [path.name, ''];
    out.push(
      `<g class="lane" id="lane-${path.name}" data-path="${path.name}" shape-rendering="crispEdges">`,
      `<rect class="lane-frame" x="${LEFT}" y="${top}" width="${PLOT}" height="${LANE_HEIGHT}" fill="none" stroke="#bbbbbb" stroke-width="0.6"/>`,
      `<text class="lane-label" x="${LEFT - 8}" y="${top + LANE_HEIGHT / 2 - 2}" text-anchor="end" font-weight="bold">${escapeXml(name)}</text>`,
      `<text x="${LEFT - 8}" y="${top + LANE_HEIGHT / 2 + 12}" text-anchor="end" font-size="10" fill="#666">${escapeXml(what)}</text>`,
      `<text class="lane-total" x="${LEFT + PLOT + 8}" y="${top + LANE_HEIGHT / 2 + 4}">${percentText(path.ok, path.total)} of ${path.total}</text>`,
    );
    for (const b of path.seconds) {
      const bx = f1(x(b.t));
      if (b.total === 0) {
        out.push(
          `<rect class="second empty" x="${bx}" y="${base - 2}" width="${f1(barWidth)}" height="2" fill="${COLORS.noRequests}"/>`,
        );
        continue;
      }
      const failed = b.total - b.ok;
      const failedHeight = failed === 0 ? 0 : Math.max(3, (failed / b.total) * LANE_HEIGHT);
      const okHeight = Math.max(0, LANE_HEIGHT - failedHeight) * (b.ok > 0 ? 1 : 0);
      const tip = `${b.t}–${b.t + 1} s: ${b.ok} of ${b.total} answered 200${b.failedOver > 0 ? `, ${b.failedOver} failed over` : ''}`;
      out.push(`<g class="second-group"><title>${escapeXml(tip)}</title>`);
      if (okHeight > 0) {
        out.push(
          `<rect class="second ok" x="${bx}" y="${f1(base - okHeight)}" width="${f1(barWidth)}" height="${f1(okHeight)}" fill="${COLORS.ok}"/>`,
        );
      }
      if (failed > 0) {
        out.push(
          `<rect class="second failed" x="${bx}" y="${top}" width="${f1(barWidth)}" height="${f1(failedHeight)}" fill="${COLORS.failed}"/>`,
        );
      }
      if (b.failedOver > 0) {
        out.push(
          `<circle class="failover" cx="${f1(x(b.t + 0.5))}" cy="${top - 3}" r="3" fill="${COLORS.failover}" shape-rendering="auto"/>`,
        );
      }
      out.push('</g>');
    }
    out.push('</g>');
  });
  out.push('</g>');

  // Instances: bars of state.
  out.push(
    `<g id="instances"><text x="${LEFT - 8}" y="${instancesTop - 5}" text-anchor="end" font-size="11" fill="#444">instances</text>`,
  );
  view.instances.forEach((instance, i) => {
    const top = instancesTop + i * (ROW_HEIGHT + ROW_GAP);
    out.push(
      `<g class="instance" id="instance-${escapeXml(instance.name)}" data-instance="${escapeXml(instance.name)}">`,
      `<text x="${LEFT - 8}" y="${top + 14}" text-anchor="end" font-weight="bold">${escapeXml(instance.name)}</text>`,
    );
    for (const seg of instance.segments) {
      const sx = x(seg.fromS);
      const width = Math.max(0.5, x(seg.toS) - sx);
      const words =
        seg.state === 'issuing' || seg.state === 'draining'
          ? `node ${seg.nodeId ?? '?'}`
          : seg.state === 'not-issuing'
            ? `not issuing${seg.nodeId === undefined ? '' : ` (node ${seg.nodeId})`}`
            : seg.state;
      const tip = `${instance.name} ${f1(seg.fromS)}–${f1(seg.toS)} s: ${STATE_LABELS[seg.state]}${seg.nodeId === undefined ? '' : `, node ${seg.nodeId}`}${seg.reason === undefined ? '' : ` (${seg.reason})`}${seg.secondsLeft === undefined ? '' : `, ${seg.secondsLeft} s of issuing left without etcd`}`;
      out.push(
        `<g><title>${escapeXml(tip)}</title>`,
        `<rect class="state state-${seg.state}" data-instance="${escapeXml(instance.name)}"${seg.nodeId === undefined ? '' : ` data-node-id="${seg.nodeId}"`} x="${f1(sx)}" y="${top}" width="${f1(width)}" height="${ROW_HEIGHT}" fill="${COLORS.states[seg.state]}" stroke="#ffffff" stroke-width="0.5"/>`,
      );
      const text =
        words.length * 6.2 + 6 <= width ? words : width >= 22 && seg.nodeId !== undefined ? `${seg.nodeId}` : '';
      if (text !== '') {
        const dark = seg.state === 'claiming' || seg.state === 'draining';
        out.push(
          `<text class="state-label" x="${f1(sx + 3)}" y="${top + 14}" font-size="11" fill="${dark ? '#222' : '#fff'}">${escapeXml(text)}</text>`,
        );
      }
      out.push('</g>');
    }
    out.push('</g>');
  });
  out.push('</g>');

  // etcd: whom each member takes for the leader; a mark where the cluster's leader changed.
  const leaders = [...new Set(view.etcd.flatMap((m) => m.segments.map((s) => s.leader)))]
    .filter((l) => l !== 'none' && l !== 'unreachable')
    .sort();
  const leaderColor = (leader: string): string =>
    leader === 'unreachable'
      ? COLORS.unreachable
      : leader === 'none'
        ? COLORS.leaderNone
        : COLORS.leaders[leaders.indexOf(leader) % COLORS.leaders.length]!;
  out.push(
    `<g id="etcd"><text x="${LEFT - 8}" y="${etcdTop - 5}" text-anchor="end" font-size="11" fill="#444">etcd leader, per member</text>`,
  );
  view.etcd.forEach((member, i) => {
    const top = etcdTop + i * (ETCD_ROW_HEIGHT + ROW_GAP);
    out.push(
      `<g class="etcd-member" id="etcd-${escapeXml(member.member)}" data-member="${escapeXml(member.member)}">`,
      `<text x="${LEFT - 8}" y="${top + 12}" text-anchor="end" font-weight="bold">${escapeXml(member.member)}</text>`,
    );
    for (const seg of member.segments) {
      const sx = x(seg.fromS);
      const width = Math.max(0.5, x(seg.toS) - sx);
      const words = seg.leader === 'unreachable' ? 'unreachable' : `leader ${seg.leader}`;
      out.push(
        `<g><title>${escapeXml(`${member.member} ${f1(seg.fromS)}–${f1(seg.toS)} s: ${words}`)}</title>`,
        `<rect class="leader leader-${escapeXml(seg.leader)}" x="${f1(sx)}" y="${top}" width="${f1(width)}" height="${ETCD_ROW_HEIGHT}" fill="${leaderColor(seg.leader)}" stroke="#ffffff" stroke-width="0.5"/>`,
      );
      if (words.length * 5.8 + 6 <= width) {
        out.push(
          `<text x="${f1(sx + 3)}" y="${top + 12}" font-size="10" fill="${seg.leader === 'none' ? '#222' : '#fff'}">${escapeXml(words)}</text>`,
        );
      }
      out.push('</g>');
    }
    out.push('</g>');
  });
  for (const change of view.leaderChanges) {
    const cx = x(change.atS);
    out.push(
      `<g class="leader-change-group"><title>${escapeXml(`${f1(change.atS)} s: etcd leader now ${change.leader}`)}</title>`,
      `<line class="leader-change-line" x1="${f1(cx)}" y1="${etcdTop - 2}" x2="${f1(cx)}" y2="${etcdBottom}" stroke="#000" stroke-width="1.2" stroke-dasharray="3,2"/>`,
      `<path class="leader-change" d="M ${f1(cx - 5)} ${etcdTop - 10} L ${f1(cx + 5)} ${etcdTop - 10} L ${f1(cx)} ${etcdTop - 2} Z" fill="#000"/>`,
      '</g>',
    );
  }
  out.push('</g>');

  // The fault windows' edges again, over the bars, so that each window reads across every lane and row.
  out.push('<g id="fault-edges">');
  for (const fault of view.faults) {
    const shade = FAULT_SHADES[fault.kind] ?? '#888888';
    out.push(
      `<rect class="fault-edge" data-fault="${fault.index}" x="${f1(x(fault.fromS))}" y="${lanesTop}" width="${f1(Math.max(1, x(fault.healS) - x(fault.fromS)))}" height="${f1(etcdBottom - lanesTop)}" fill="${shade}" fill-opacity="0.12" stroke="${shade}" stroke-width="1.2"/>`,
    );
  }
  out.push('</g>');

  // Time axis.
  const step = tickStep(view.durationS);
  out.push(
    `<g id="axis"><line x1="${LEFT}" y1="${axisY}" x2="${LEFT + PLOT}" y2="${axisY}" stroke="#333" stroke-width="1"/>`,
  );
  for (let t = 0; t <= view.durationS + 1e-9; t += step) {
    out.push(
      `<line class="tick" x1="${f1(x(t))}" y1="${axisY}" x2="${f1(x(t))}" y2="${axisY + 5}" stroke="#333"/>`,
      `<text x="${f1(x(t))}" y="${axisY + 17}" text-anchor="middle" font-size="11">${t}</text>`,
    );
  }
  out.push(
    `<text x="${LEFT + PLOT / 2}" y="${axisY + 30}" text-anchor="middle" font-size="11" fill="#444">seconds after the load started</text>`,
    '</g>',
  );

  // Legend: what each colour means.
  const swatches: [string, string, string][] = [
    ['ok', COLORS.ok, 'requests answered 200 (share of the second)'],
    ['failed', COLORS.failed, 'requests failed (at least 3 px when any)'],
    ['failover', COLORS.failover, 'client calls that failed over (dot above its lane)'],
    ...(Object.keys(COLORS.states) as InstanceStateName[]).map((state): [string, string, string] => [
      `state-${state}`,
      COLORS.states[state],
      STATE_LABELS[state],
    ]),
    ['leader-none', COLORS.leaderNone, 'etcd member: no leader'],
    ['leader-unreachable', COLORS.unreachable, 'etcd member: unreachable'],
    ['leader-change', '#000000', 'etcd leader changed (▼)'],
    ...SHADE_LEGEND.map(([color, words], i): [string, string, string] => [`fault-${i}`, color, words]),
  ];
  out.push(`<g id="legend">`);
  swatches.forEach(([id, color, words], i) => {
    const col = i % 4;
    const row = Math.floor(i / 4);
    const lx = LEFT + col * (PLOT / 4);
    const ly = legendTop + row * 18;
    out.push(
      `<g class="legend-item" data-legend="${id}"><rect x="${f1(lx)}" y="${ly - 10}" width="14" height="12" fill="${color}"/>`,
      `<text x="${f1(lx + 20)}" y="${ly}" font-size="11">${escapeXml(words)}</text></g>`,
    );
  });
  out.push(`<text x="${LEFT - 8}" y="${faultListTop}" text-anchor="end" font-size="11" fill="#444">faults</text>`);
  view.faults.forEach((fault, i) => {
    const col = Math.floor(i / faultListRows);
    const row = i % faultListRows;
    const shade = FAULT_SHADES[fault.kind] ?? '#888888';
    out.push(
      `<text class="fault-list-item" data-fault="${fault.index}" x="${f1(LEFT + col * (PLOT / 3))}" y="${faultListTop + row * 15}" font-size="11"><tspan fill="${shade}" font-weight="bold">${fault.index} ${escapeXml(fault.kind)}</tspan> on ${escapeXml(fault.target)}: ${f1(fault.fromS)}–${f1(fault.healS)} s (whole ${f1(fault.toS)} s)</text>`,
    );
  });
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

/** The width and height an SVG of ours declares on its root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\bwidth="(\d+)"/.exec(root)?.[1]);
  const height = Number(/\bheight="(\d+)"/.exec(root)?.[1]);
  if (!Number.isInteger(width) || !Number.isInteger(height))
    throw new Error('no width and height on the <svg> element');
  return { width, height };
}
