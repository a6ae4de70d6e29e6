import { isBulkheadFullError, isCircuitOpenError } from '@tripswitch/core';
import type { Got } from 'got';
import type { InventoryClient } from 'grpc-demo';

/** How one call of the demo traffic ended, from its caller's side. */
export type CallResult = 'ok' | 'refused' | 'error';

/** One way of calling the upstream, as the demo compares them. */
export interface DemoClient {
  /** A short label for tables. */
  label: string;
  /** The `x-client` name the upstream counts its requests under. */
  upstreamName: string;
  /** Makes one call and says how it ended; never rejects. */
  call(n: number): Promise<CallResult>;
}

/**
 * Calls through a gateway (Express by default, Fastify, Hono): a refusal is its 503 problem,
 * ERR_CIRCUIT_OPEN.
 */
export function gatewayClient(
  gatewayUrl: string,
  label = 'Express gateway → axios',
  upstreamName = 'gateway',
): DemoClient {
  return {
    label,
    upstreamName,
    async call(n) {
      try {
        const response = await fetch(`${gatewayUrl}/items/${n}`);
        if (response.ok) {
          await response.body?.cancel();
          return 'ok';
        }
        const body = (await response.json().catch(() => ({}))) as { code?: string };
        return body.code === 'ERR_CIRCUIT_OPEN' ? 'refused' : 'error';
      } catch {
        return 'error';
      }
    },
  };
}

/**
 * Calls the NestJS demo. Its fallback answers from a cache of the last good answers, so it asks
 * for the same few ids over and over; a cached answer counts as served.
 */
export function nestClient(nestUrl: string): DemoClient {
  return {
    label: 'NestJS → got',
    upstreamName: 'nestjs',
    async call(n) {
      try {
        const response = await fetch(`${nestUrl}/items/${n % 5}`);
        const body = (await response.json().catch(() => ({}))) as { code?: string };
        if (response.ok) return 'ok';
        return body.code === 'ERR_CIRCUIT_OPEN' ? 'refused' : 'error';
      } catch {
        return 'error';
      }
    },
  };
}

/** Calls the upstream with a fetch, with a deadline of `timeoutMs` like the got clients' timeout. */
export function fetchClient(
  label: string,
  upstreamName: string,
  fetch: typeof globalThis.fetch,
  baseUrl: string,
  timeoutMs: number,
): DemoClient {
  return {
    label,
    upstreamName,
    async call(n) {
      try {
        const response = await fetch(`${baseUrl}/items/${n}`, {
          headers: { 'x-client': upstreamName },
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        return response.ok ? 'ok' : 'error';
      } catch (error) {
        return isCircuitOpenError(error) || isBulkheadFullError(error) ? 'refused' : 'error';
      }
    },
  };
}

/** Calls the upstream with a got client, refused when its breaker refuses. */
export function gotClient(label: string, upstreamName: string, client: Got): DemoClient {
  return {
    label,
    upstreamName,
    async call(n) {
      try {
        await client.get(`items/${n}`);
        return 'ok';
      } catch (error) {
        return isCircuitOpenError(error) || isBulkheadFullError(error) ? 'refused' : 'error';
      }
    },
  };
}

/** Calls the gRPC inventory service (which reads the upstream): refused when its breaker refuses. */
export function grpcClient(
  label: string,
  upstreamName: string,
  client: InventoryClient,
): DemoClient {
  return {
    label,
    upstreamName,
    async call(n) {
      try {
        await client.getStock(String(n));
        return 'ok';
      } catch (error) {
        // A refusal is an UNAVAILABLE status whose cause is the breaker's error.
        return isCircuitOpenError((error as { cause?: unknown }).cause) ? 'refused' : 'error';
      }
    },
  };
}
