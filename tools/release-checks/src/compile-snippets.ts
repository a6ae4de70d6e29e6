import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import type { Snippet } from './markdown-snippets.ts';
import type { PublishedPackage } from './published-packages.ts';
import { writeSnippetProject } from './snippet-project.ts';

/** The TypeScript compiler this tool depends on: the workspace's. */
const tsc = new URL('../node_modules/.bin/tsc', import.meta.url).pathname;

/**
 * Compiles the snippets of one Markdown file in a project of their own under `dir` (see
 * {@link writeSnippetProject}) and returns tsc's errors, each pointed at the line of the Markdown
 * file it is on (`README.md:70:12 error TS2304: …`), or at the line of `globals`.
 */
export function compileSnippets(options: {
  /** The Markdown file, as errors should name it. */
  readonly path: string;
  readonly snippets: readonly Snippet[];
  readonly globals: string | undefined;
  readonly dir: string;
  readonly packages: readonly PublishedPackage[];
  readonly repoRoot: string;
  readonly libraryDirs: readonly string[];
}): string[] {
  const project = writeSnippetProject(options);
  const run = spawnSync(tsc, ['-p', '.', '--pretty', 'false'], {
    cwd: project.dir,
    encoding: 'utf8',
  });
  if (run.error !== undefined) throw run.error;
  if (run.status === 0) return [];
  const errors: string[] = [];
  for (const line of `${run.stdout}${run.stderr}`.split('\n')) {
    const at = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
    if (at === null) {
      // The rest of a message that spans lines, or one about the project as a whole.
      if (line.trim() !== '') errors.push(errors.length > 0 ? line : `${options.path}: ${line}`);
      continue;
    }
    const [, file = '', row = '', column = '', message = ''] = at;
    const snippet = project.files.get(file);
    if (snippet !== undefined) {
      errors.push(`${options.path}:${snippet.line + Number(row) - 1}:${column} ${message}`);
    } else if (file === 'globals.ts' && options.globals !== undefined) {
      errors.push(`${relative(options.repoRoot, options.globals)}:${row}:${column} ${message}`);
    } else errors.push(`${join(project.dir, file)}:${row}:${column} ${message}`);
  }
  return errors;
}
