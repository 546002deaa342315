import { mkdirSync, writeFileSync } from 'node:fs';
import { machineLine, type Machine } from './machine.js';

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  notes?: string[];
}

/** One line of the suite's summary: a figure of Ovation's beside the same figure of its baseline, from the same run. */
export interface Headline {
  benchmark: string;
  measure: string;
  ovation: string;
  baseline: string;
  /** Ovation's figure over the baseline's. */
  ratio: string;
}

export interface BenchmarkContext {
  quick: boolean;
  machine: Machine;
  /** A line of progress on stderr; results go to stdout. */
  progress(text: string): void;
}

export interface BenchmarkResult {
  tables: Table[];
  headlines: Headline[];
  /** Every figure measured, for the JSON file. */
  data: unknown;
}

export interface Benchmark {
  name: string;
  /** What it measures against what, in a sentence or two. */
  description: string;
  run(context: BenchmarkContext): Promise<BenchmarkResult>;
}

/** Thrown by a benchmark that cannot run here, such as one needing a service that is unreachable. */
export class SkippedBenchmark extends Error {
  override readonly name = 'SkippedBenchmark';
}

export interface BenchmarkOutcome extends Partial<BenchmarkResult> {
  name: string;
  description: string;
  seconds: number;
  /** Why it did not run (a service it needs is unreachable), or how it failed. */
  skipped?: string;
  failed?: string;
}

export interface SuiteRun {
  date: string;
  command: string;
  quick: boolean;
  seconds: number;
  machine: Machine;
  outcomes: BenchmarkOutcome[];
}

const FIGURE = /^(n\/a|[-\d.,]+ ?(x|%|ms|s|KiB|MiB|\/s)?)$/;

/** A table in Markdown, padded so it also reads as plain text; columns of figures are right-aligned. */
export function renderTable(table: Table): string {
  const rightAligned = table.columns.map((_, column) => table.rows.length > 0 && table.rows.every((row) => FIGURE.test(row[column] ?? '')));
  const widths = table.columns.map((title, column) => Math.max(title.length, 3, ...table.rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (rightAligned[column] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

export function summaryTable(outcomes: BenchmarkOutcome[]): Table {
  return {
    title: 'Summary',
    columns: ['benchmark', 'measure', 'Ovation', 'baseline (same run)', 'ratio'],
    rows: outcomes.flatMap((outcome) => (outcome.headlines ?? []).map((h) => [h.benchmark, h.measure, h.ovation, h.baseline, h.ratio])),
  };
}

/** The whole run as Markdown: summary first, then each benchmark's tables. */
function renderMarkdown(run: SuiteRun): string {
  const minutes = `${Math.floor(run.seconds / 60)} min ${Math.round(run.seconds % 60)} s`;
  const parts = [
    '# Benchmark results',
    '',
    `Measured ${run.date.slice(0, 10)} with \`${run.command}\`${run.quick ? ' (quick sizes)' : ''}, in ${minutes}.`,
    `Machine: ${machineLine(run.machine)}.`,
    'Loads come from separate processes on loopback; every figure stands beside a baseline measured in the same run, so the ratios carry over to other machines better than the figures do.',
    '',
    '## Summary',
    '',
    renderTable(summaryTable(run.outcomes)),
  ];
  for (const outcome of run.outcomes) {
    parts.push('', `## ${outcome.name}`, '', outcome.description);
    if (outcome.skipped) parts.push('', `Skipped: ${outcome.skipped}`);
    if (outcome.failed) parts.push('', `Failed: ${outcome.failed}`);
    for (const table of outcome.tables ?? []) {
      parts.push('', `### ${table.title}`, '', renderTable(table));
      if (table.notes?.length) parts.push('', ...table.notes.map((note) => `- ${note}`));
    }
  }
  return `${parts.join('\n')}\n`;
}

/** Writes the run's JSON and Markdown under bench/results/; a full run of every benchmark also becomes latest.md. */
export function writeResults(run: SuiteRun, complete: boolean): string[] {
  const directory = new URL('../results/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const stamp = run.date.replace(/[:.]/g, '-');
  const markdown = renderMarkdown(run);
  const files = [`${stamp}.json`, `${stamp}.md`];
  writeFileSync(new URL(files[0]!, directory), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(new URL(files[1]!, directory), markdown);
  if (complete && !run.quick) {
    writeFileSync(new URL('latest.md', directory), markdown);
    files.push('latest.md');
  }
  return files.map((file) => `bench/results/${file}`);
}
