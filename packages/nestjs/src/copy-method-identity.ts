import { reflectMetadata } from './reflect-metadata-api.ts';

/**
 * @internal Makes `wrapper` pass for `method` in Nest's eyes. Nest's method decorators (`@Get`,
 * `@UseGuards`, `@UsePipes`, `@UseInterceptors`, `@HttpCode`...) store their metadata on the
 * function itself; those applied before ours (written below it) stored it on `method`, so it is
 * copied, and those applied after store it on the wrapper directly. The name is kept for
 * stack traces, logs and `context.getHandler().name`.
 */
export function copyMethodIdentity(
  method: (...args: never) => unknown,
  wrapper: (...args: never) => unknown,
): void {
  for (const key of reflectMetadata.getOwnMetadataKeys(method)) {
    reflectMetadata.defineMetadata(key, reflectMetadata.getOwnMetadata(key, method), wrapper);
  }
  Object.defineProperty(wrapper, 'name', { value: method.name, configurable: true });
}
