// The action's post step: saves the layers main built to the Actions cache, from the
// journal main's cache backend left in its directory (see src/cache/README.md).
import { saveLayerCache } from './cache.ts';
import { Input } from './constants.ts';
import { envInputs } from './inputs.ts';
import { ActionLog } from './log.ts';
import { runPost } from './run.ts';
import { state } from './state.ts';
import { writeCacheSaveSummary } from './summary.ts';

await runPost(async () => {
  if (!state.mainRan() || !state.cache()) return;
  const log = new ActionLog();
  const start = performance.now();
  const saved = await log.phase('Saving layers to the Actions cache', () => saveLayerCache(log));
  // main checked the input: anything but false leaves the summary in.
  if (saved && !/^false$/i.test(envInputs(process.env)(Input.Summary))) await writeCacheSaveSummary(saved.report, performance.now() - start);
});
