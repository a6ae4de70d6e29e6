import { Controller, Get, Param } from '@nestjs/common';
import { CircuitBreaker } from '@tripswitch/nestjs';
import type { ItemResponse } from './item-response.ts';
import { ItemsService } from './items-service.ts';

/** `GET /items/:id`: an item, from the upstream or the cache. */
@Controller('items')
export class ItemsController {
  readonly #items: ItemsService;

  // Resolved by type, from the metadata the compiler emits, as in any Nest application.
  constructor(items: ItemsService) {
    this.#items = items;
  }

  /**
   * The route has a breaker of its own, `ItemsController.findOne`, for the app's own faults;
   * what counts as one is configured for that name in the module (see `demoBreakerOptions`).
   */
  @Get(':id')
  @CircuitBreaker()
  async findOne(@Param('id') id: string): Promise<ItemResponse> {
    return this.#items.findItem(id);
  }
}
