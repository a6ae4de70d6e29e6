import type { Family } from './exposition.ts';

/** A label matcher of a selector: `label op "value"`. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** What a PromQL expression refers to: metric selectors, functions, grouping labels. */
export interface References {
  selectors: Array<{ metric: string; matchers: Matcher[] }>;
  functions: string[];
  groupingLabels: string[];
}

const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset']);
const groupings = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * Lists what a PromQL expression (or a Grafana query, with its `$variables`) refers to. Only as
 * much of PromQL as the shipped rules and dashboard use; it throws on anything it cannot place,
 * so a new construct is noticed rather than skipped.
 */
export function referencesOf(expr: string): References {
  const references: References = { selectors: [], functions: [], groupingLabels: [] };
  const token =
    /\s+|\$\{?\w+\}?|\[[^\]]*\]|[a-zA-Z_:][a-zA-Z0-9_:]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?|==|!=|>=|<=|[-+*/^%<>(),]|\{/y;
  let at = 0;
  while (at < expr.length) {
    token.lastIndex = at;
    const match = token.exec(expr);
    if (match === null)
      throw new Error(`Cannot read ${JSON.stringify(expr.slice(at))} in: ${expr}`);
    const text = match[0];
    at = token.lastIndex;
    if (text === '{') {
      // A selector with no metric name before it: not used in the shipped files.
      throw new Error(`A bare label selector in: ${expr}`);
    }
    if (!/^[a-zA-Z_:]/.test(text) || keywords.has(text)) continue;
    const after = expr.slice(at).match(/^\s*([({])?/)?.[1];
    if (groupings.has(text)) {
      const list = /^\s*\(([^)]*)\)/.exec(expr.slice(at));
      if (list === null) throw new Error(`"${text}" without a label list in: ${expr}`);
      references.groupingLabels.push(
        ...(list[1] as string).split(',').map((label) => label.trim()),
      );
      at += list[0].length;
    } else if (after === '(' || /^\s*(by|without)\s*\(/.test(expr.slice(at))) {
      // A function, or an aggregation with its grouping first: `sum by (name) (...)`.
      references.functions.push(text);
      if (text === 'label_values') at = labelValues(expr, at, references);
    } else {
      const selector = { metric: text, matchers: [] as Matcher[] };
      if (after === '{') {
        const block = /^\s*\{([^}]*)\}/.exec(expr.slice(at)) as RegExpExecArray;
        selector.matchers = matchersOf(block[1] as string, expr);
        at += block[0].length;
      }
      references.selectors.push(selector);
    }
  }
  return references;
}

/** Grafana's `label_values(selector, label)`: a selector, and a label it must carry. */
function labelValues(expr: string, at: number, references: References): number {
  const call = /^\s*\(([^,]+),\s*([a-zA-Z_]\w*)\s*\)/.exec(expr.slice(at));
  if (call === null) throw new Error(`Cannot read label_values in: ${expr}`);
  const inner = referencesOf(call[1] as string);
  references.selectors.push(...inner.selectors);
  references.groupingLabels.push(call[2] as string);
  return at + call[0].length;
}

function matchersOf(block: string, expr: string): Matcher[] {
  const matchers: Matcher[] = [];
  const matcher = /\s*([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
  let at = 0;
  while (at < block.length) {
    matcher.lastIndex = at;
    const match = matcher.exec(block);
    if (match === null) throw new Error(`Cannot read the matchers {${block}} in: ${expr}`);
    matchers.push({
      label: match[1] as string,
      op: match[2] as Matcher['op'],
      value: match[3] as string,
    });
    at = matcher.lastIndex;
  }
  return matchers;
}

// Labels Prometheus puts on every series it scrapes.
const targetLabels = ['job', 'instance'];

/**
 * Checks an expression against a scrape: every metric exists (a histogram's `_bucket`, `_sum`
 * and `_count` included), every matched label exists on it, every literal value matched exists
 * in the scrape, every function is known, and every grouping label belongs to a metric of the
 * expression. Returns the problems found.
 */
export function problemsOf(
  expr: string,
  scrape: Map<string, Family>,
  knownFunctions: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const { selectors, functions, groupingLabels } = referencesOf(expr);
  if (selectors.length === 0) problems.push('refers to no metric');
  const labelsInExpression = new Set(targetLabels);
  for (const { metric, matchers } of selectors) {
    const family = familyOf(metric, scrape);
    if (family === undefined) {
      problems.push(`no metric "${metric}"`);
      continue;
    }
    const series = family.samples.filter((sample) => sample.name === metric);
    const labels = new Set(series.flatMap((sample) => Object.keys(sample.labels)));
    for (const label of labels) labelsInExpression.add(label);
    for (const { label, op, value } of matchers) {
      if (targetLabels.includes(label)) continue;
      if (!labels.has(label)) {
        problems.push(`"${metric}" has no label "${label}"`);
        continue;
      }
      if (value.includes('$')) continue;
      const values = new Set(series.map((sample) => sample.labels[label]));
      const wanted = op === '=' || op === '!=' ? [value] : value.split('|');
      for (const one of wanted) {
        if (!/^[\w.-]+$/.test(one)) continue; // a real regular expression: not checked
        if (!values.has(one)) problems.push(`no series of "${metric}" has ${label}="${one}"`);
      }
    }
  }
  for (const label of groupingLabels) {
    if (!labelsInExpression.has(label)) problems.push(`no metric here has the label "${label}"`);
  }
  for (const fn of functions) {
    if (!knownFunctions.has(fn)) problems.push(`unknown function "${fn}"`);
  }
  return problems;
}

function familyOf(metric: string, scrape: Map<string, Family>): Family | undefined {
  const direct = scrape.get(metric);
  if (direct !== undefined) return direct;
  const base = metric.replace(/_(bucket|sum|count)$/, '');
  const family = scrape.get(base);
  return base !== metric && family?.type === 'histogram' ? family : undefined;
}
