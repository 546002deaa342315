// Text that every engine stores alike: the rules requests and room messages are checked by.

/** Deepest nesting of arrays and objects a request body may have; no route needs more than a few levels. */
const MAX_BODY_DEPTH = 32;

/** A lone UTF-16 surrogate: one half of a pair without the other. A pair (an emoji, say) is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;

/** A problem as a validation error reports it: its keyword, where it is (a JSON pointer) and what is wrong. */
export interface TextProblem {
  keyword: string;
  instancePath: string;
  message: string;
}

/** What is wrong with a piece of text, if anything, and the keyword its validation error carries. */
function textFault(text: string): { keyword: 'nul' | 'loneSurrogate'; what: string } | undefined {
  // PostgreSQL cannot store a NUL character in text.
  if (text.includes('\u0000')) return { keyword: 'nul', what: 'the NUL character' };
  // SQLite would store a lone surrogate as it is and PostgreSQL as U+FFFD: neither is text.
  if (LONE_SURROGATE.test(text)) return { keyword: 'loneSurrogate', what: 'a lone UTF-16 surrogate' };
  return undefined;
}

/**
 * The first problem with the text of a request part, or undefined: a string or key holding a NUL
 * character or a lone surrogate, or nesting deeper than MAX_BODY_DEPTH. Walks with its own stack,
 * so no input can exhaust the call stack. Every engine then refuses the same input the same way,
 * rather than failing at the database or storing it differently.
 */
export function findTextProblem(root: unknown): TextProblem | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const fault = textFault(value);
      if (fault !== undefined) return { keyword: fault.keyword, instancePath: path, message: `must not contain ${fault.what}` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { keyword: 'maxDepth', instancePath: '', message: `is nested more than ${MAX_BODY_DEPTH} levels deep` };
    const entries = Object.entries(value);
    // Pushed in reverse, so fields are checked in their order and the first problem found is the first written.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const fault = textFault(key);
      if (fault !== undefined) return { keyword: fault.keyword, instancePath: path, message: `must not have a field name containing ${fault.what}` };
      pending.push({ value: child, path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}
