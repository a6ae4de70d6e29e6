import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { Hono as Hono40 } from 'hono-4.0';
import { HTTPException as HTTPException40 } from 'hono-4.0/http-exception';

/**
 * The Hono versions the peer range claims at its ends: the newest, and 4.0. The 4.0 classes are
 * typed as the newest's, whose types the package is written against.
 */
export const honos = [
  ['hono 4.13', { Hono, HTTPException }],
  [
    'hono 4.0',
    {
      Hono: Hono40 as unknown as typeof Hono,
      HTTPException: HTTPException40 as unknown as typeof HTTPException,
    },
  ],
] as const;
