import type { AuditReport } from '../ledger/index.js';

/** Renders rows as a plain-text table with a header rule; columns whose cells are all integers align right. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const rightAligned = header.map((_, column) => rows.length > 0 && rows.every((row) => /^-?\d+$/.test(row[column] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        return rightAligned[column] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The human-readable audit summary: counts, per-asset totals, each check's outcome and every violation. */
export function formatAuditReport(report: AuditReport): string {
  const out: string[] = [];
  out.push(`Accounts: ${report.accounts}   Transfers: ${report.transfers}`, '');
  if (report.totals.length > 0) {
    out.push(
      formatTable(
        ['asset', 'accounts', 'posted sum', 'pending debits', 'pending credits'],
        report.totals.map((total) => [total.asset, String(total.accounts), total.postedSum.toString(), total.pendingDebitsSum.toString(), total.pendingCreditsSum.toString()]),
      ),
      '',
    );
  } else {
    out.push('No accounts yet.', '');
  }
  out.push(
    formatTable(
      ['check', 'result'],
      report.checks.map((check) => [check.name, check.violations.length === 0 ? 'ok' : `${check.violations.length} violation(s)`]),
    ),
    '',
  );
  if (report.violations.length > 0) {
    out.push(`Violations (${report.violations.length}):`, ...report.violations.map((violation) => `  - ${violation}`), '');
  }
  out.push(report.ok ? 'Audit passed: the ledger is consistent.' : 'Audit FAILED: the ledger is inconsistent.');
  return out.join('\n');
}

/** The report as JSON, with bigint amounts as decimal strings. */
export function auditReportJson(report: AuditReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}
