import { BreakerRegistry as AxiosRegistry, attachBreaker } from '@tripswitch/axios';
import { CircuitBreaker } from '@tripswitch/core';
import { BreakerRegistry as FetchRegistry, withBreaker } from '@tripswitch/fetch';
import { breakerInterceptor } from '@tripswitch/fetch/undici';
import { breakerHooks, BreakerRegistry as GotRegistry } from '@tripswitch/got';
import axios from 'axios';
import got from 'got';
import { type Dispatcher, request } from 'undici';
import { checkBreaker } from '../http/breaker-check.ts';
import type { Op } from '../types.ts';
import { attachFloor, floorHooks, floorInterceptor, withFloor } from './floor-clients.ts';
import {
  InstantDispatcher,
  instantAxiosAdapter,
  instantFetch,
  instantGotAnswer,
  instantUrl,
} from './instant-clients.ts';

/**
 * The four ways one client is called in a row: bare; with the extension point its adapter uses
 * filled with code that only passes each call on and observes its outcome (the floor, see
 * floor-clients.ts); through its adapter; and wrapped in `breaker.execute` by hand.
 */
export type AdapterSide = 'bare' | 'floor' | 'adapter' | 'by hand';

/** The order of the sides in tables. */
export const adapterSides: readonly AdapterSide[] = ['bare', 'floor', 'adapter', 'by hand'];

/** A row made ready: one call per side, and the checks to run after timing. */
export interface PreparedAdapterRow {
  ops: Readonly<Record<AdapterSide, Op>>;
  /**
   * Confirms each breaker saw the traffic: closed, nothing in flight, no failure, and at least
   * `calls[side]` successes. Returns what went wrong, one line each.
   */
  check(calls: Readonly<Record<AdapterSide, number>>): string[];
}

/**
 * A client over a transport that answers at once, called bare, through the floor of its
 * adapter, through its adapter, and by hand.
 */
export interface AdapterRow {
  id: string;
  title: string;
  /** Each side's setup, as code, for the report. */
  setup: Readonly<Record<AdapterSide, string>>;
  prepare(): PreparedAdapterRow;
}

const byHand = (call: string) =>
  `const breaker = new CircuitBreaker(); await breaker.execute(() => ${call})`;

/** Checks the adapter's registry and the by-hand breaker after timing; the floor has none. */
function checker(
  registry: { stats(): ReturnType<AxiosRegistry['stats']> },
  breaker: CircuitBreaker,
): PreparedAdapterRow['check'] {
  return (calls) =>
    [
      checkBreaker(registry.stats(), calls.adapter, 'at least'),
      checkBreaker([breaker.stats()], calls['by hand'], 'at least'),
    ].filter((problem): problem is string => problem !== undefined);
}

const axiosCall = "api.get('/stock/42')";
const axiosRow: AdapterRow = {
  id: 'axios',
  title: 'axios, attachBreaker()',
  setup: {
    bare: `const api = axios.create({ baseURL, adapter: answerAtOnce }); await ${axiosCall}`,
    floor:
      'const passOn = (config) => answerAtOnce(config).then(onOk, onErr); ' +
      'api.interceptors.request.use((config) => { config.adapter = passOn; return config; }, ' +
      `null, { synchronous: true }); await ${axiosCall}`,
    adapter: `attachBreaker(api, { registry }); await ${axiosCall}`,
    'by hand': byHand(axiosCall),
  },
  prepare() {
    const baseURL = new URL(instantUrl).origin;
    const bare = axios.create({ baseURL, adapter: instantAxiosAdapter });
    const floor = axios.create({ baseURL, adapter: instantAxiosAdapter });
    attachFloor(floor);
    const guarded = axios.create({ baseURL, adapter: instantAxiosAdapter });
    const registry = new AxiosRegistry();
    attachBreaker(guarded, { registry });
    const breaker = new CircuitBreaker();
    return {
      ops: {
        bare: () => bare.get('/stock/42'),
        floor: () => floor.get('/stock/42'),
        adapter: () => guarded.get('/stock/42'),
        'by hand': () => breaker.execute(() => bare.get('/stock/42')),
      },
      check: checker(registry, breaker),
    };
  },
};

const fetchRow: AdapterRow = {
  id: 'fetch',
  title: 'fetch, withBreaker(fetch)',
  setup: {
    bare: 'const fetch = async () => readyResponse; await fetch(url)',
    floor:
      'const passOn = (input, init) => fetch(input, init).then(onOk, onErr); await passOn(url)',
    adapter: 'const guarded = withBreaker(fetch, { registry }); await guarded(url)',
    'by hand': byHand('fetch(url)'),
  },
  prepare() {
    const floor = withFloor(instantFetch);
    const registry = new FetchRegistry();
    const guarded = withBreaker(instantFetch, { registry });
    const breaker = new CircuitBreaker();
    return {
      ops: {
        bare: () => instantFetch(instantUrl),
        floor: () => floor(instantUrl),
        adapter: () => guarded(instantUrl),
        'by hand': () => breaker.execute(() => instantFetch(instantUrl)),
      },
      check: checker(registry, breaker),
    };
  },
};

const undiciCall = '(await request(url, { dispatcher })).body.dump()';
const undiciRow: AdapterRow = {
  id: 'undici',
  title: 'undici request(), breakerInterceptor()',
  setup: {
    bare: `const dispatcher = new InstantDispatcher(); await ${undiciCall}`,
    floor:
      'const dispatcher = new InstantDispatcher().compose((dispatch) => (options, handler) => ' +
      `dispatch(options, new PassOnHandler(handler))); await ${undiciCall}`,
    adapter: `const dispatcher = new InstantDispatcher().compose(breakerInterceptor({ registry })); await ${undiciCall}`,
    'by hand':
      'const breaker = new CircuitBreaker(); await (await breaker.execute(() => request(url, { dispatcher }))).body.dump()',
  },
  prepare() {
    const base = new InstantDispatcher();
    const floor = base.compose(floorInterceptor);
    const registry = new FetchRegistry();
    const composed = base.compose(breakerInterceptor({ registry }));
    const breaker = new CircuitBreaker();
    // The body is read (empty): a body left unread keeps memory in undici until the end.
    const read = (dispatcher: Dispatcher) => request(instantUrl, { dispatcher }).then(dump);
    return {
      ops: {
        bare: () => read(base),
        floor: () => read(floor),
        adapter: () => read(composed),
        'by hand': () =>
          breaker.execute(() => request(instantUrl, { dispatcher: base })).then(dump),
      },
      check: checker(registry, breaker),
    };
  },
};

const gotCall = 'client.get(url).json()';
const gotRow: AdapterRow = {
  id: 'got',
  title: 'got, breakerHooks()',
  setup: {
    bare: `const client = got.extend({ hooks: { beforeRequest: [answerAtOnce] } }); await ${gotCall}`,
    floor:
      'const client = got.extend({ hooks: { beforeRequest: [() => {}], ' +
      'beforeRedirect: [() => {}], afterResponse: [(response) => response], ' +
      'beforeRetry: [() => {}], beforeError: [(error) => error] }, ' +
      'handlers: [(options, next) => next(options)] }, ' +
      `{ hooks: { beforeRequest: [answerAtOnce] } }); await ${gotCall}`,
    adapter: `const client = got.extend(breakerHooks({ registry }), { hooks: { beforeRequest: [answerAtOnce] } }); await ${gotCall}`,
    'by hand': byHand(gotCall),
  },
  prepare() {
    const answer = { hooks: { beforeRequest: [instantGotAnswer] } };
    const bare = got.extend(answer);
    // The floor's hooks first, as the breaker's are: they run before the answer skips the request.
    const floor = got.extend(floorHooks(), answer);
    const registry = new GotRegistry();
    // The breaker's hooks first: they take the permit before the answer skips the request.
    const guarded = got.extend(breakerHooks({ registry }), answer);
    const breaker = new CircuitBreaker();
    return {
      ops: {
        bare: () => bare.get(instantUrl).json(),
        floor: () => floor.get(instantUrl).json(),
        adapter: () => guarded.get(instantUrl).json(),
        'by hand': () => breaker.execute(() => bare.get(instantUrl).json()),
      },
      check: checker(registry, breaker),
    };
  },
};

function dump(response: { body: { dump(): Promise<void> } }): Promise<void> {
  return response.body.dump();
}

/** Every row of the adapter table, in table order. */
export const adapterRows: readonly AdapterRow[] = [axiosRow, gotRow, fetchRow, undiciRow];
