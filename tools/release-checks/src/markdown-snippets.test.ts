import { describe, expect, it } from 'vitest';
import { extractSnippets } from './markdown-snippets.ts';

describe('extractSnippets', () => {
  it('returns each TypeScript block with the line its code starts on, and nothing else', () => {
    const markdown = [
      '# Title', // 1
      '', // 2
      '```sh', // 3
      'npm install x', // 4
      '```', // 5
      '', // 6
      '```ts', // 7
      "import { x } from 'x';", // 8
      'x();', // 9
      '```', // 10
      '', // 11
      '```typescript', // 12
      'const y = 1;', // 13
      '```', // 14
    ].join('\n');
    expect(extractSnippets(markdown)).toEqual([
      { line: 8, code: "import { x } from 'x';\nx();" },
      { line: 13, code: 'const y = 1;' },
    ]);
  });

  it('takes a block in a list item without the indentation of its item', () => {
    const markdown = [
      '- **A point.** Text:',
      '',
      '  ```ts',
      '  if (a) {',
      '    b();',
      '  }',
      '  ```',
    ];
    expect(extractSnippets(markdown.join('\n'))).toEqual([
      { line: 4, code: 'if (a) {\n  b();\n}' },
    ]);
  });

  it('does not end a block at a fence of a block inside it', () => {
    const markdown = ['````ts', 'const doc = `', '```ts', '`;', '````'];
    expect(extractSnippets(markdown.join('\n'))).toEqual([
      { line: 2, code: 'const doc = `\n```ts\n`;' },
    ]);
  });

  it('marks a block after a skip marker with the marker’s reason', () => {
    const markdown = [
      '<!-- snippet: skip — a method without its class -->',
      '```ts',
      'm() {}',
      '```',
    ];
    expect(extractSnippets(markdown.join('\n'))).toEqual([
      { line: 3, code: 'm() {}', skipped: 'a method without its class' },
    ]);
  });

  it('refuses a skip marker without a reason, or with no block after it', () => {
    expect(() => extractSnippets('<!-- snippet: skip -->\n```ts\nx;\n```')).toThrow(
      /line 1: .*the reason/,
    );
    expect(() =>
      extractSnippets('<!-- snippet: skip: why -->\nSome text.\n```ts\nx;\n```'),
    ).toThrow(/line 1: the snippet marker is not followed by a code block/);
    expect(() => extractSnippets('<!-- snippet: skip: why -->\n```sh\nls\n```')).toThrow(
      /line 1: the snippet marker is not followed by a TypeScript block/,
    );
    expect(() => extractSnippets('text\n<!-- snippet: skip: why -->')).toThrow(/line 2/);
  });
});
