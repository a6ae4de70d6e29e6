/**
 * @module
 * The NestJS demo: a service calling the upstream through got, with `@CircuitBreaker()` and a
 * cached fallback on its method and on its route, and a terminus health endpoint.
 */
// Nest's decorators write their metadata through it, as the classes are defined.
import 'reflect-metadata';

export { createNestDemo, type NestDemoOptions } from './create-nest-demo.ts';
export type { ItemResponse } from './item-response.ts';
