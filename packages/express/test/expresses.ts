import express5 from 'express';
import express4 from 'express4';

/** The function that creates an Express app, in either major. */
export type CreateApp = typeof express5;

/** Both supported majors: every integration suite runs against each (`describe.each`). */
export const expresses: ReadonlyArray<readonly [label: string, express: CreateApp]> = [
  ['express 5', express5],
  ['express 4', express4],
];
