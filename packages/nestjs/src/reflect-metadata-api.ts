/**
 * @internal The part of the reflect-metadata API this package uses. Nest loads the polyfill
 * (`@nestjs/common` imports `reflect-metadata`), so it is read from the global `Reflect` without
 * a type dependency on the polyfill.
 */
export interface ReflectMetadataApi {
  getOwnMetadataKeys(target: object): unknown[];
  getOwnMetadata(key: unknown, target: object): unknown;
  defineMetadata(key: unknown, value: unknown, target: object): void;
  getMetadata(key: unknown, target: object, propertyKey: string | symbol): unknown;
}

/** @internal */
export const reflectMetadata: ReflectMetadataApi = Reflect as unknown as ReflectMetadataApi;
