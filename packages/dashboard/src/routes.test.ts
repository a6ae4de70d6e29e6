import { describe, expect, it } from 'vitest';
import { routeOf } from './routes.ts';

describe('routeOf', () => {
  it('routes the paths below the mount point', () => {
    expect(routeOf('/', '', undefined)).toEqual({ kind: 'page' });
    expect(routeOf('/?theme=dark', '', undefined)).toEqual({ kind: 'page' });
    expect(routeOf('/events', '', undefined)).toEqual({ kind: 'events' });
    expect(routeOf('/snapshot', '', undefined)).toEqual({ kind: 'snapshot' });
    expect(routeOf('/nope', '', undefined)).toEqual({ kind: 'none' });
    expect(routeOf('/events/', '', undefined)).toEqual({ kind: 'none' });
  });

  it('reads the breaker name of a control request from the query, decoded', () => {
    expect(routeOf('/isolate?name=GET%20%2Fusers%2F%3Aid', '', undefined)).toEqual({
      kind: 'control',
      action: 'isolate',
      name: 'GET /users/:id',
    });
    expect(routeOf('/reset', '', undefined)).toEqual({
      kind: 'control',
      action: 'reset',
      name: null,
    });
    expect(routeOf('/reset?name=a#b', '', undefined)).toMatchObject({ name: 'a' });
  });

  it('strips basePath, and leaves other paths alone', () => {
    expect(routeOf('/ops/breakers/', '/ops/breakers', undefined)).toEqual({ kind: 'page' });
    expect(routeOf('/ops/breakers/events', '/ops/breakers', undefined)).toEqual({
      kind: 'events',
    });
    expect(routeOf('/ops/breakersx/events', '/ops/breakers', undefined)).toEqual({
      kind: 'none',
    });
    expect(routeOf('/', '/ops/breakers', undefined)).toEqual({ kind: 'none' });
  });

  it('redirects the mount path to itself with a slash, relatively, keeping the query', () => {
    expect(routeOf('/ops/breakers', '/ops/breakers', undefined)).toEqual({
      kind: 'redirect',
      location: './breakers/',
    });
    // Express: mounted on /breakers, a request for /breakers arrives as '/'.
    expect(routeOf('/?a=1', '', '/breakers?a=1')).toEqual({
      kind: 'redirect',
      location: './breakers/?a=1',
    });
    expect(routeOf('/', '', '/breakers/')).toEqual({ kind: 'page' });
    // Only printable ASCII goes into the Location header.
    expect(routeOf('/?q=a b', '', '/br\u00e9akers?q=a b')).toEqual({
      kind: 'redirect',
      location: './br%C3%A9akers/?q=a%20b',
    });
    // './' keeps a segment with a colon from reading as a URL scheme.
    expect(routeOf('/', '', '/javascript:alert(1)')).toEqual({
      kind: 'redirect',
      location: './javascript:alert(1)/',
    });
  });
});
