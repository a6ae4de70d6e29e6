// The alert rules and the Grafana dashboard shipped in the package refer only to metrics, labels
// and label values the collector really exposes, read from a real scrape.
import { readFile } from 'node:fs/promises';
import { CircuitTimeoutError } from '@tripswitch/core';
import { settle, testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { collectBreakerMetrics } from '../src/index.ts';
import type { Family } from './exposition.ts';
import { parseExposition } from './exposition.ts';
import { problemsOf, referencesOf } from './promql-references.ts';
import { readSimpleYaml, type YamlValue } from './read-simple-yaml.ts';

const packageDir = new URL('../', import.meta.url);
const promqlFunctions = new Set([
  'count',
  'histogram_quantile',
  'increase',
  'max',
  'rate',
  'sum',
  'time',
  'vector',
]);

/** A scrape with a breaker in every state and every kind of call, transition and duration. */
async function fullScrape(): Promise<Map<string, Family>> {
  const clock = testClock();
  const registry = testRegistry(clock);
  const register = new Registry();
  collectBreakerMetrics(registry, { register });
  const breaker = registry.get('payments', { timeoutMs: 10 });
  settle(breaker, 2, 'success', { clock, durationMs: 20 });
  settle(breaker, 1, 'ignore');
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const call = breaker.execute(() => new Promise(() => {}));
  vi.advanceTimersByTime(10);
  await expect(call).rejects.toBeInstanceOf(CircuitTimeoutError);
  vi.useRealTimers();
  trip(breaker);
  breaker.tryAcquire();
  clock.advance(10_000);
  breaker.tryAcquire()?.failure(new Error('trial failed'));
  clock.advance(10_000);
  breaker.tryAcquire();
  expect(breaker.state).toBe('half-open');
  trip(registry.get('open'));
  registry.get('closed');
  registry.get('forced').isolate();
  registry.get('disabled').disable();
  return parseExposition(await register.metrics());
}

function asMap(value: YamlValue | undefined, what: string): { [key: string]: YamlValue } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not a map`);
  }
  return value;
}

function asList(value: YamlValue | undefined, what: string): YamlValue[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value;
}

let scrape: Map<string, Family>;
beforeAll(async () => {
  scrape = await fullScrape();
});

describe('alerts/tripswitch.rules.yml', () => {
  async function rules(): Promise<Array<{ [key: string]: YamlValue }>> {
    const text = await readFile(new URL('alerts/tripswitch.rules.yml', packageDir), 'utf8');
    const groups = asList(asMap(readSimpleYaml(text), 'the file').groups, 'groups');
    return groups.flatMap((group, index) =>
      asList(asMap(group, `group ${index}`).rules, `group ${index} rules`).map((rule, at) =>
        asMap(rule, `rule ${at}`),
      ),
    );
  }

  it('has an alert for a circuit open over a minute, a high failure rate and a full registry', async () => {
    const all = await rules();
    expect(all.map((rule) => rule.alert)).toEqual([
      'CircuitBreakerOpen',
      'CircuitBreakerHighFailureRate',
      'CircuitBreakerRegistryOverflow',
    ]);
    expect(all[0]?.for).toBe('1m');
    for (const rule of all) {
      expect(Object.keys(rule).sort()).toEqual(['alert', 'annotations', 'expr', 'for', 'labels']);
      expect(asMap(rule.labels, 'labels').severity).toBe('warning');
      expect(Object.keys(asMap(rule.annotations, 'annotations')).sort()).toEqual([
        'description',
        'summary',
      ]);
      expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });

  it('refers only to metrics, labels and values the collector exposes', async () => {
    for (const rule of await rules()) {
      expect(typeof rule.expr).toBe('string');
      expect({
        alert: rule.alert,
        problems: problemsOf(rule.expr as string, scrape, promqlFunctions),
      }).toEqual({
        alert: rule.alert,
        problems: [],
      });
    }
  });
});

describe('grafana/tripswitch-dashboard.json', () => {
  interface Dashboard {
    title: string;
    uid: string;
    panels: Array<{ title: string; type: string; targets: Array<{ expr: string }> }>;
    templating: { list: Array<{ name: string; type: string; query: unknown }> };
    annotations: { list: Array<{ name: string; expr: string }> };
  }

  async function dashboard(): Promise<Dashboard> {
    const text = await readFile(new URL('grafana/tripswitch-dashboard.json', packageDir), 'utf8');
    return JSON.parse(text) as Dashboard;
  }

  /** Every PromQL query of the dashboard, named by where it is. */
  async function queries(): Promise<Array<[string, string]>> {
    const { panels, templating, annotations } = await dashboard();
    return [
      ...panels.flatMap(({ title, targets }) =>
        targets.map((target): [string, string] => [`panel "${title}"`, target.expr]),
      ),
      ...templating.list
        .filter((variable) => variable.type === 'query')
        .map((variable): [string, string] => [
          `variable "${variable.name}"`,
          (variable.query as { query: string }).query,
        ]),
      ...annotations.list.map(({ name, expr }): [string, string] => [`annotation "${name}"`, expr]),
    ];
  }

  it('is a dashboard with a data source variable and the panels of the common questions', async () => {
    const { title, uid, panels, templating } = await dashboard();
    expect(title).toBe('Tripswitch circuit breakers');
    expect(uid).toBe('tripswitch-breakers');
    expect(templating.list.map(({ name, type }) => `${name}:${type}`)).toEqual([
      'datasource:datasource',
      'instance:query',
      'name:query',
    ]);
    expect(panels.map(({ title }) => title)).toEqual(
      expect.arrayContaining([
        'Circuits not closed',
        'State',
        'Circuits out of closed, and since when',
        'Why circuits opened (dashboard range)',
        'Failure rate by breaker',
        'Rejected calls / s by breaker',
      ]),
    );
  });

  it('refers only to metrics, labels and values the collector exposes', async () => {
    const all = await queries();
    expect(all.length).toBeGreaterThan(15);
    const problems = all.flatMap(([where, expr]) =>
      problemsOf(expr, scrape, new Set([...promqlFunctions, 'label_values'])).map(
        (problem) => `${where}: ${problem}`,
      ),
    );
    expect(problems).toEqual([]);
    // Between them, the queries use every metric the collector exposes.
    const used = new Set(
      all.flatMap(([, expr]) =>
        referencesOf(expr).selectors.map(({ metric }) => metric.replace(/_bucket$/, '')),
      ),
    );
    expect([...scrape.keys()].filter((metric) => !used.has(metric))).toEqual([
      'circuit_breaker_slow_calls_total',
      'circuit_breaker_fallbacks_total',
      'circuit_breaker_registry_overflows_total',
    ]);
  });
});

describe('README.md', () => {
  it('answers its questions in PromQL with metrics, labels and values the collector exposes', async () => {
    const text = await readFile(new URL('README.md', packageDir), 'utf8');
    const queries = [...text.matchAll(/```promql\n([\s\S]*?)```/g)].flatMap((block) =>
      (block[1] as string).split('\n').filter((line) => line.trim() !== ''),
    );
    expect(queries.length).toBeGreaterThanOrEqual(8);
    const problems = queries.flatMap((query) =>
      problemsOf(query, scrape, promqlFunctions).map((problem) => `${query}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('catch a metric, a label or a value that does not exist, and an unknown function', () => {
    expect(
      problemsOf(
        'sum by (breaker) (rat(circuit_breaker_calls{result="rejected"}[5m])) + circuit_breaker_state{state="half_open", nme="a"}',
        scrape,
        promqlFunctions,
      ),
    ).toEqual([
      'no metric "circuit_breaker_calls"',
      'no series of "circuit_breaker_state" has state="half_open"',
      '"circuit_breaker_state" has no label "nme"',
      'no metric here has the label "breaker"',
      'unknown function "rat"',
    ]);
  });

  it('read the YAML shape the rules use, and refuse what they would misread', () => {
    expect(
      readSimpleYaml(
        'a:\n  - b: "x: \\"y\\""\n    c: >-\n      one\n      two\n  - plain {with} braces\nd: \'it\'\'s\'\n',
      ),
    ).toEqual({ a: [{ b: 'x: "y"', c: 'one two' }, 'plain {with} braces'], d: "it's" });
    expect(() => readSimpleYaml('a: {b: c}\n')).toThrow('unsupported YAML syntax');
    expect(() => readSimpleYaml('a: b: c\n')).toThrow('ambiguous plain scalar');
    expect(() => readSimpleYaml('a: |\n  x\n')).toThrow('unsupported YAML syntax');
    expect(() => readSimpleYaml('a: 1\na: 2\n')).toThrow('duplicate key');
    expect(() => readSimpleYaml('a:\n\tb: 1\n')).toThrow('tabs');
  });
});
