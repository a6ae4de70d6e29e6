import { BadGatewayException, Inject, Injectable } from '@nestjs/common';
import { isBulkheadFullError, isCircuitOpenError } from '@tripswitch/core';
import { CircuitBreaker } from '@tripswitch/nestjs';
import type { Got } from 'got';
import { isUpstreamFailure, passOnClientErrors } from './client-errors.ts';
import { ItemCache } from './item-cache.ts';
import type { ItemResponse } from './item-response.ts';
import { upstreamClientToken } from './upstream-client.ts';

/**
 * Fetches items from the upstream through got, behind the `upstream` breaker. Every good answer
 * is kept in a small cache; when a call fails, or the open circuit refuses it without calling
 * the upstream, the fallback serves the last good answer for that item instead.
 */
@Injectable()
export class ItemsService {
  readonly #client: Got;
  readonly #cache: ItemCache<unknown>;

  constructor(
    @Inject(upstreamClientToken) client: Got,
    @Inject(ItemCache) cache: ItemCache<unknown>,
  ) {
    this.#client = client;
    this.#cache = cache;
  }

  /** The item `id`, from the upstream, or from the cache while the upstream fails. */
  @CircuitBreaker('upstream', { fallback: 'fromCache', isFailure: isUpstreamFailure })
  async findItem(id: string): Promise<ItemResponse> {
    const item = await this.#client
      .get(`items/${encodeURIComponent(id)}`)
      .json<unknown>()
      .catch(passOnClientErrors);
    this.#cache.remember(id, item);
    return { item, source: 'upstream' };
  }

  /**
   * The fallback of {@link ItemsService.findItem}: its argument, then why it failed. With nothing
   * cached for the item, a refusal goes on to the module's filter (503 with `Retry-After`), and a
   * failed call becomes a 502.
   */
  fromCache(id: string, error: unknown): ItemResponse {
    const item = this.#cache.recall(id);
    if (item !== undefined) return { item, source: 'cache' };
    if (isCircuitOpenError(error) || isBulkheadFullError(error)) throw error;
    throw new BadGatewayException('the upstream failed, and this item is not cached', {
      cause: error,
    });
  }
}
