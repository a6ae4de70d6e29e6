import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { copyMethodIdentity } from './copy-method-identity.ts';

describe('copyMethodIdentity', () => {
  it("copies the method's own metadata and its name to the wrapper", () => {
    function findOne(): string {
      return 'found';
    }
    Reflect.defineMetadata('path', ':id', findOne);
    Reflect.defineMetadata('__guards__', ['Guard'], findOne);
    const wrapper = (): string => 'wrapped';

    copyMethodIdentity(findOne, wrapper);
    expect(wrapper.name).toBe('findOne');
    expect(Reflect.getOwnMetadata('path', wrapper)).toBe(':id');
    expect(Reflect.getOwnMetadata('__guards__', wrapper)).toEqual(['Guard']);
  });
});
