/** One sample of the Prometheus text format: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its `# TYPE`, `# HELP` and samples. */
export interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

/**
 * Parses the Prometheus text exposition format (0.0.4) into families by name. Strict about what
 * it reads, so a malformed exposition fails the test rather than being skipped.
 */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (found === undefined) {
      found = { type: 'untyped', help: '', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (kind === 'TYPE') family(name).type = rest;
      else family(name).help = rest;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    family(familyOf(sample.name, families)).samples.push(sample);
  }
  return families;
}

/** The family a sample belongs to: histogram samples carry `_bucket`, `_sum` or `_count`. */
function familyOf(name: string, families: Map<string, Family>): string {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && families.get(base)?.type === 'histogram' ? base : name;
}

function parseSample(line: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new Error(`Not a sample: ${line}`);
  const name = nameMatch[0];
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at));
      if (labelMatch === null) throw new Error(`Bad label at ${at}: ${line}`);
      at += labelMatch[0].length;
      let value = '';
      while (line[at] !== '"') {
        if (at >= line.length) throw new Error(`Unterminated label value: ${line}`);
        if (line[at] === '\\') {
          const escaped = line[at + 1];
          value += escaped === 'n' ? '\n' : escaped;
          at += 2;
        } else {
          value += line[at];
          at++;
        }
      }
      labels[labelMatch[1] as string] = value;
      at++;
      if (line[at] === ',') at++;
    }
    at++;
  }
  const rest = line.slice(at).trim().split(' ');
  const value = rest[0] === '+Inf' ? Infinity : rest[0] === '-Inf' ? -Infinity : Number(rest[0]);
  if (rest.length > 2 || Number.isNaN(value)) throw new Error(`Bad value: ${line}`);
  return { name, labels, value };
}

/** The samples of `family` named `name` (the family's own name by default) matching `labels`. */
export function samples(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
  name = family,
): Sample[] {
  return (families.get(family)?.samples ?? []).filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
}

/** The value of the one sample of `family` matching `labels`; fails when there is not exactly one. */
export function sampleValue(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
  name = family,
): number {
  const found = samples(families, family, labels, name);
  if (found.length !== 1) {
    throw new Error(
      `Expected one sample of ${name} with ${JSON.stringify(labels)}; found ${found.length}`,
    );
  }
  return (found[0] as Sample).value;
}
