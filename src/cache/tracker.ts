// Counters and events, one place for both backends: every event goes to the listener
// and updates the counters, so what `stats()` says and what a listener saw agree.

import type { CacheEvent, CacheStats } from './types.ts';

export class Tracker {
  private readonly counts: CacheStats = {
    hits: 0,
    misses: 0,
    corrupt: 0,
    puts: 0,
    bytesRestored: 0,
    bytesSaved: 0,
    entriesRestored: 0,
    entriesSaved: 0,
    entriesSkipped: 0,
    layersEvicted: 0,
    retries: 0,
  };
  /** Hit or miss is decided once per key: a second lookup of the same key is not a new hit. */
  private readonly decided = new Set<string>();
  private readonly listener: ((e: CacheEvent) => void) | undefined;

  constructor(listener?: (e: CacheEvent) => void) {
    this.listener = listener;
  }

  emit(e: CacheEvent): void {
    const c = this.counts;
    switch (e.type) {
      case 'hit':
      case 'miss':
        if (this.decided.has(e.key)) return;
        this.decided.add(e.key);
        if (e.type === 'hit') c.hits++;
        else c.misses++;
        break;
      case 'corrupt':
        c.corrupt++;
        break;
      case 'put':
        c.puts++;
        break;
      case 'restore':
        c.entriesRestored++;
        c.bytesRestored += e.bytes;
        break;
      case 'save':
        c.entriesSaved++;
        c.bytesSaved += e.bytes;
        break;
      case 'skip':
        c.entriesSkipped++;
        break;
      case 'evict':
        c.layersEvicted++;
        break;
      case 'retry':
        c.retries++;
        break;
    }
    try {
      this.listener?.(e);
    } catch {
      // A listener's failure is not the cache's.
    }
  }

  stats(): CacheStats {
    return { ...this.counts };
  }
}
