import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';

// CSV exports: documents that spreadsheets open safely, and the routes' way of answering them.

/** Most rows one CSV export holds; an export with more is cut there and says so. */
export const CSV_MAX_ROWS = 10_000;

/**
 * RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted
 * and their quotes doubled. A cell a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) gets a leading single quote, because
 * metadata may one day carry names users typed.
 */
export function csvOf(rows: string[][]): string {
  const cell = (value: string) => {
    // A negative whole number (a balance) is data, not a formula.
    const inert = /^[=+\-@\t\r]/.test(value) && !/^-\d+$/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
  };
  return rows.map((row) => row.map(cell).join(',') + '\r\n').join('');
}

/** True when the Accept header names text/csv; `format` takes precedence. */
function acceptsCsv(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => range.split(';')[0]!.trim().toLowerCase() === 'text/csv');
}

/** Whether a route with a `format` parameter answers CSV: `format` when given, else the Accept header. */
export function answersCsv(request: FastifyRequest, reply: FastifyReply, format: 'json' | 'csv' | undefined): boolean {
  void reply.header('vary', 'accept');
  return format === 'csv' || (format === undefined && acceptsCsv(request.headers.accept));
}

/** Answers a CSV download; an export cut at its row limit says so, and where to continue. */
export function csvDownload(reply: FastifyReply, filename: string, csv: string, nextCursor: string | null): string {
  void reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`);
  if (nextCursor !== null) void reply.header('x-truncated', 'true').header('x-next-cursor', nextCursor);
  return csv;
}

/** The `format` query parameter of a route that answers JSON or CSV (see answersCsv). */
export const CsvFormatParam = Type.Optional(Type.Enum(['json', 'csv'], { description: 'Left out: csv when the Accept header names text/csv, else json.' }));

/** A route's 200 answer as JSON of `json`, or as CSV, which `csv` describes. */
export function jsonOrCsv<T extends TSchema>(json: T, csv: string) {
  return { content: { 'application/json': { schema: json }, 'text/csv': { schema: Type.String({ description: csv }) } } };
}
