// Median table of several `pnpm bench` outputs, ours against distribution, for docs/performance.md.
// Usage: node --import tsx apps/registry/bench/bench-table.ts ours-1.txt ours-2.txt -- dist-1.txt dist-2.txt
// Runs should be interleaved (ours, distribution, ours, distribution): the machine is shared and noisy,
// so one run of each proves little; the median of each cell over the runs is what the table shows.
import { readFileSync } from 'node:fs';

interface Cell {
  opsPerSecond: number;
  mibPerSecond: number;
  p99Ms: number;
  /** Server CPU seconds (user + system) for the cell, when the run printed it. */
  cpuSeconds: number;
  /** The server main thread's share of it, when the run printed it. */
  mainSeconds: number;
  /** CPU seconds of the bench client itself for the cell, when the run printed it. */
  clientSeconds: number;
}

const linePattern =
  /^(.+?)\s{2,}([\d.]+) ops\/s\s+([\d.]+) MiB\/s\s+p50\s+[\d.]+ ms\s+p99\s+([\d.]+) ms\s+server RSS\s+\d+ MiB(?:\s+server CPU\s+([\d.]+) s(?: \(system [\d.]+ s(?:, main thread ([\d.]+) s)?\))?(?:\s+client CPU ([\d.]+) s)?)?(?:\s+io .*)?$/;
const rssPattern = /server RSS: start (\d+) MiB, end (\d+) MiB, peak (\d+) MiB/;

/** Cells of one run by label ("pull 100 MiB x16 c=16" loses its op count: runs may differ in it). */
function cellsOf(path: string): { cells: Map<string, Cell>; startRss: number; peakRss: number } {
  const cells = new Map<string, Cell>();
  let startRss = 0;
  let peakRss = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = linePattern.exec(line.trim());
    if (match !== null) {
      const label = (match[1] ?? '').replace(/ x\d+/, '');
      cells.set(label, {
        opsPerSecond: Number(match[2]),
        mibPerSecond: Number(match[3]),
        p99Ms: Number(match[4]),
        cpuSeconds: match[5] === undefined ? Number.NaN : Number(match[5]),
        mainSeconds: match[6] === undefined ? Number.NaN : Number(match[6]),
        clientSeconds: match[7] === undefined ? Number.NaN : Number(match[7]),
      });
    }
    const rss = rssPattern.exec(line);
    if (rss !== null) {
      startRss = Number(rss[1]);
      peakRss = Number(rss[3]);
    }
  }
  return { cells, startRss, peakRss };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Manifest and catalog reads are counted in ops/s, every other cell in MiB/s. */
function figureOf(label: string, cell: Cell): number {
  return label.startsWith('manifest') || label.startsWith('catalog') || label.startsWith('push 1 MiB')
    ? cell.opsPerSecond
    : cell.mibPerSecond;
}

function unitOf(label: string): string {
  return label.startsWith('manifest') || label.startsWith('catalog') || label.startsWith('push 1 MiB')
    ? 'ops/s'
    : 'MiB/s';
}

const separator = process.argv.indexOf('--');
const oursFiles = process.argv.slice(2, separator < 0 ? undefined : separator);
const theirFiles = separator < 0 ? [] : process.argv.slice(separator + 1);
const ours = oursFiles.map(cellsOf);
const theirs = theirFiles.map(cellsOf);
const labels = [...(ours[0]?.cells.keys() ?? [])].filter((label) => !label.startsWith('ceiling'));

const rows = [
  '| cell | unit | ours | distribution | ours / distribution | p99 ms ours / distribution | server CPU s ours / distribution | main thread CPU s ours | client CPU s ours / distribution |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const label of labels) {
  const oursCells = ours.flatMap((run) => run.cells.get(label) ?? []);
  const theirCells = theirs.flatMap((run) => run.cells.get(label) ?? []);
  const a = median(oursCells.map((cell) => figureOf(label, cell)));
  const b = median(theirCells.map((cell) => figureOf(label, cell)));
  const p99 = (cells: Cell[]) => median(cells.map((cell) => cell.p99Ms)).toFixed(0);
  const cpu = (cells: Cell[], field: 'cpuSeconds' | 'mainSeconds' | 'clientSeconds' = 'cpuSeconds') => {
    const seconds = median(cells.map((cell) => cell[field]).filter((value) => !Number.isNaN(value)));
    return Number.isNaN(seconds) ? '–' : seconds.toFixed(2);
  };
  rows.push(
    `| ${label} | ${unitOf(label)} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)} | ${p99(oursCells)} / ${p99(theirCells)} | ${cpu(oursCells)} / ${cpu(theirCells)} | ${cpu(oursCells, 'mainSeconds')} | ${cpu(oursCells, 'clientSeconds')} / ${cpu(theirCells, 'clientSeconds')} |`,
  );
}
const rss = (runs: typeof ours, field: 'startRss' | 'peakRss') =>
  median(runs.map((run) => run[field])).toFixed(0);
rows.push(
  `| server RSS start / peak | MiB | ${rss(ours, 'startRss')} / ${rss(ours, 'peakRss')} | ${rss(theirs, 'startRss')} / ${rss(theirs, 'peakRss')} | | | | | |`,
);
process.stdout.write(`${rows.join('\n')}\n`);
