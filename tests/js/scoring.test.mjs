// The shared scoring cases (tests/fixtures/scoring_cases.json) against pwa/js/scoring.js.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  AnswerError, checkAnswer, formatTenths, gradeFor, halfUpDiv, ruleFrom, scoreInspection, toTenths,
} from '../../pwa/js/scoring.js';
import { mismatches, outcome } from './scoring_outcome.mjs';

const data = JSON.parse(readFileSync(new URL('../fixtures/scoring_cases.json', import.meta.url), 'utf8'));

for (const scoringCase of data.cases) {
  test(`case: ${scoringCase.name}`, () => {
    const items = scoringCase.items ?? data.checklists[scoringCase.checklist];
    const got = outcome(items, scoringCase.answers, scoringCase.photos);
    assert.deepEqual(mismatches(scoringCase.expect, got), []);
  });
}

test('worked example 7 gives 77.3 (77.25 rounds half-up)', () => {
  const result = scoreInspection(data.checklists.EX, { A: 'na', B: 4, C: 84.9, D: 'pass' });
  assert.equal(result.score, 773);
  assert.equal(formatTenths(result.score), '77.3');
  assert.equal(result.grade, 'pass');
});

test('numbers are read through their decimal string, not binary arithmetic', () => {
  assert.equal(toTenths(84.9), 849);
  assert.equal(toTenths(100), 1000);
  assert.equal(toTenths(-0), 0);
  assert.equal(toTenths(2.5), 25);
  assert.equal(toTenths(1e21), 1e22);
  assert.throws(() => toTenths(0.1 + 0.2), (error) => error.code === 'too_many_decimals');
  assert.throws(() => toTenths(1e-7), (error) => error.code === 'too_many_decimals');
  assert.throws(() => toTenths('85'), (error) => error.code === 'not_a_number');
  assert.throws(() => toTenths(Number.NaN), (error) => error.code === 'not_a_number');
});

test('half-up division, on Numbers and on BigInts', () => {
  assert.equal(halfUpDiv(5, 10), 1);
  assert.equal(halfUpDiv(4, 10), 0);
  assert.equal(halfUpDiv(15n, 10n), 2n);
});

test('grades: bands, veto, unscored', () => {
  assert.equal(gradeFor(900), 'excellent');
  assert.equal(gradeFor(899), 'good');
  assert.equal(gradeFor(800), 'good');
  assert.equal(gradeFor(600), 'pass');
  assert.equal(gradeFor(599), 'fail');
  assert.equal(gradeFor(1000, { vetoed: true }), 'fail');
  assert.equal(gradeFor(null), null);
});

test('checkAnswer throws AnswerError with the Python code', () => {
  const rule = ruleFrom({ code: 'B', type: 'deduct', points: 10, per_fault: 2 });
  checkAnswer(rule, 3);
  checkAnswer(rule, 'na');
  assert.throws(() => checkAnswer(rule, -1), (error) => error instanceof AnswerError && error.code === 'bad_count');
});

test('answers may be a Map, and an item named like an Object property is still na when left out', () => {
  const items = [{ code: 'constructor', type: 'check', points: 10 }, { code: 'A', type: 'check', points: 10 }];
  assert.equal(scoreInspection(items, new Map([['A', 'pass']])).score, 1000);
  assert.equal(scoreInspection(items, { A: 'fail' }).score, 0);
});
