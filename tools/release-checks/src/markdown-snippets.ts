/** A TypeScript code block of a Markdown file. */
export interface Snippet {
  /** The line of the file (from 1) that holds the block's first line of code. */
  readonly line: number;
  readonly code: string;
  /** Why the block is not compiled, from a skip marker before it; undefined when it is. */
  readonly skipped?: string;
}

const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const skipMarker = /^\s*<!--\s*snippet:\s*skip\s*(?:[—–:-]\s*)?(.*?)\s*-->\s*$/;
const anyMarker = /^\s*<!--\s*snippet\b/;
const typeScript = new Set(['ts', 'typescript', 'mts', 'cts']);

/**
 * The TypeScript code blocks (```ts) of a Markdown text, each with the line it starts on. A block
 * preceded by `<!-- snippet: skip — why -->` (the closest non-blank line before its fence) is
 * returned with that reason, to be left out; the reason is required, so every exception says why.
 *
 * @throws an Error naming the line of a snippet marker without a reason or not followed by a
 * TypeScript block, so a marker cannot silently stop working.
 */
export function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let marker: { line: number; reason: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string;
    const opening = fence.exec(text);
    if (opening === null) {
      if (anyMarker.test(text)) {
        const skip = skipMarker.exec(text);
        if (skip === null || skip[1] === '') {
          throw new Error(
            `line ${i + 1}: a snippet marker reads <!-- snippet: skip — the reason the block is not compiled -->`,
          );
        }
        marker = { line: i + 1, reason: skip[1] as string };
      } else if (text.trim() !== '' && marker !== undefined) {
        throw new Error(`line ${marker.line}: the snippet marker is not followed by a code block`);
      }
      continue;
    }
    const [, indent = '', ticks = '', language = ''] = opening;
    const code: string[] = [];
    let end = i + 1;
    while (end < lines.length && !isClosing(lines[end] as string, ticks)) {
      code.push(stripIndent(lines[end] as string, indent.length));
      end++;
    }
    if (typeScript.has(language.toLowerCase())) {
      snippets.push({
        line: i + 2,
        code: code.join('\n'),
        ...(marker === undefined ? {} : { skipped: marker.reason }),
      });
    } else if (marker !== undefined) {
      throw new Error(
        `line ${marker.line}: the snippet marker is not followed by a TypeScript block`,
      );
    }
    marker = undefined;
    i = end;
  }
  if (marker !== undefined) {
    throw new Error(`line ${marker.line}: the snippet marker is not followed by a code block`);
  }
  return snippets;
}

function isClosing(line: string, ticks: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(ticks) && trimmed.replace(/[`~]/g, '') === '';
}

/** Removes up to `width` leading spaces: a block in a list item is indented with its item. */
function stripIndent(line: string, width: number): string {
  let cut = 0;
  while (cut < width && line[cut] === ' ') cut++;
  return line.slice(cut);
}
