// Scores batches for tests/checklists/test_scoring_python_vs_js.py: one JSON line in
// ([{items, answers, photos}, ...]), one JSON line out ([outcome, ...]), until stdin closes.
import { createInterface } from 'node:readline';

import { outcome } from './scoring_outcome.mjs';

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const batch = JSON.parse(line);
  const results = batch.map(({ items, answers, photos }) => outcome(items, answers, photos));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
