/** What {@link readSimpleYaml} returns: strings, lists and maps. */
export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  number: number;
  indent: number;
  text: string;
}

/**
 * Reads the small part of YAML the shipped rule file uses, and refuses everything else so the
 * file cannot drift into syntax this reader would misread: block maps, block lists (`- `), plain
 * scalars, single- and double-quoted scalars, folded (`>-`) blocks, and comment lines. Every
 * scalar is a string. No tabs, flow collections, anchors, tags, literal blocks or documents.
 */
export function readSimpleYaml(source: string): YamlValue {
  const lines: Line[] = source.split('\n').map((raw, index) => {
    if (raw.includes('\t')) throw new Error(`line ${index + 1}: tabs are not allowed`);
    const text = raw.trimStart();
    return { number: index + 1, indent: raw.length - text.length, text: text.trimEnd() };
  });
  let at = 0;
  const isBlank = (line: Line) => line.text === '' || line.text.startsWith('#');
  const next = (): Line | undefined => {
    while (at < lines.length && isBlank(lines[at] as Line)) at++;
    return lines[at];
  };
  const fail = (line: Line, why: string): never => {
    throw new Error(`line ${line.number}: ${why}: ${line.text}`);
  };

  function block(indent: number): YamlValue {
    const first = next();
    if (first === undefined || first.indent < indent) throw new Error('expected a block');
    return first.text.startsWith('- ') ? list(first.indent) : map(first.indent);
  }

  function list(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let line = next(); line?.indent === indent && line.text.startsWith('- '); line = next()) {
      // The item's content starts two columns to the right: read it as if the dash were spaces.
      lines[at] = { number: line.number, indent: indent + 2, text: line.text.slice(2) };
      items.push(/^[^'"]*?: |:$/.test(line.text.slice(2)) ? map(indent + 2) : scalarLine());
    }
    return items;
  }

  function scalarLine(): string {
    const line = lines[at++] as Line;
    return scalar(line, line.text);
  }

  function map(indent: number): { [key: string]: YamlValue } {
    const entries: { [key: string]: YamlValue } = {};
    for (let line = next(); line !== undefined && line.indent >= indent; line = next()) {
      if (line.indent > indent || line.text.startsWith('- ')) fail(line, 'unexpected indentation');
      const entry = /^([A-Za-z_][\w.-]*):(?: (.*))?$/.exec(line.text);
      if (entry === null) return fail(line, 'expected "key: value"');
      const key = entry[1] as string;
      const rest = entry[2]?.trim() ?? '';
      if (Object.hasOwn(entries, key)) fail(line, `duplicate key "${key}"`);
      at++;
      if (rest === '') {
        const child = next();
        const nested =
          child !== undefined &&
          (child.indent > indent || (child.indent === indent && child.text.startsWith('- ')));
        if (!nested) fail(line, `"${key}" has no value`);
        entries[key] = block(indent);
      } else if (rest === '>-') {
        entries[key] = folded(line, indent);
      } else {
        entries[key] = scalar(line, rest);
      }
    }
    return entries;
  }

  function folded(owner: Line, indent: number): string {
    const parts: string[] = [];
    while (at < lines.length) {
      const line = lines[at] as Line;
      if (line.text === '' || line.indent <= indent) break;
      parts.push(line.text);
      at++;
    }
    if (parts.length === 0) fail(owner, 'empty folded block');
    return parts.join(' ');
  }

  function scalar(line: Line, text: string): string {
    if (text.startsWith('"')) {
      const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(text);
      if (quoted === null) return fail(line, 'bad double-quoted string');
      return (quoted[1] as string).replace(/\\(["\\])/g, '$1');
    }
    if (text.startsWith("'")) {
      const quoted = /^'((?:[^']|'')*)'$/.exec(text);
      if (quoted === null) return fail(line, 'bad single-quoted string');
      return (quoted[1] as string).replaceAll("''", "'");
    }
    if (/^[[\]{}&*!|>%@`,?:-]/.test(text)) fail(line, 'unsupported YAML syntax');
    if (text.includes(': ') || text.includes(' #')) fail(line, 'ambiguous plain scalar; quote it');
    return text;
  }

  const document = block(0);
  const rest = next();
  if (rest !== undefined) fail(rest, 'unexpected content');
  return document;
}
