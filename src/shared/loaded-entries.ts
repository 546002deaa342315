/** Per-key state read on first use and then kept in process memory, so the hot path reads the database once per key. */
export interface LoadedEntries<E> {
  /** The key's entry, read with `load` the first time (every caller of that moment shares the one read). */
  get(key: string): Promise<E>;
}

/**
 * Entries loaded on first use, at most `maxEntries` of them: past that the oldest loaded is forgotten and
 * read again when next used. A read that failed is forgotten too, so the next use tries again.
 */
export function loadedEntries<E>(maxEntries: number, load: (key: string) => Promise<E>): LoadedEntries<E> {
  const entries = new Map<string, Promise<E>>();
  return {
    get(key) {
      let entry = entries.get(key);
      if (!entry) {
        const loading = load(key);
        entries.set(key, (entry = loading));
        loading.catch(() => {
          if (entries.get(key) === loading) entries.delete(key);
        });
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return entry;
    },
  };
}
