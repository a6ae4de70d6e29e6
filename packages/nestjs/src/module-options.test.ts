import { InvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import {
  checkFactoryResult,
  checkNames,
  resolveAsyncModuleOptions,
  resolveModuleOptions,
} from './module-options.ts';

describe('module options', () => {
  it('installs the filter unless told not to, and passes the rest to the registry', () => {
    expect(resolveModuleOptions(undefined)).toEqual({
      rest: {},
      filter: true,
      problem: undefined,
    });
    const problem = () => ({});
    expect(resolveModuleOptions({ maxBreakers: 5, filter: false, problem })).toEqual({
      rest: { maxBreakers: 5 },
      filter: false,
      problem,
    });
    const useFactory = () => ({});
    expect(resolveAsyncModuleOptions({ useFactory, inject: [], problem })).toEqual({
      rest: { useFactory, inject: [] },
      filter: true,
      problem,
    });
  });

  it.each([
    [() => resolveModuleOptions('x'), 'options'],
    [() => resolveModuleOptions({ filter: 1 }), 'filter'],
    [() => resolveModuleOptions({ default: {} }), 'default'],
    [() => resolveAsyncModuleOptions({ useFactory: {} }), 'useFactory'],
    [() => resolveAsyncModuleOptions({ useFactory: () => ({}), imports: {} }), 'imports'],
    [() => resolveAsyncModuleOptions({ useFactory: () => ({}), useClass: class {} }), 'useClass'],
    [() => checkFactoryResult({ filter: true }), 'filter'],
    [() => checkFactoryResult({ problem: () => ({}) }), 'problem'],
    [() => resolveModuleOptions({ problem: 'named' }), 'problem'],
    [() => resolveAsyncModuleOptions({ useFactory: () => ({}), problem: {} }), 'problem'],
    [() => checkNames('a'), 'names'],
    [() => checkNames(['a', 7]), 'names'],
  ])('rejects bad input, naming the option (%#)', (check, option) => {
    expect(check).toThrow(InvalidOptionError);
    expect(check).toThrow(`"${option}"`);
  });

  it('passes a store on to the registry, as the type allows', () => {
    const store = { bind: () => ({}) };
    expect(resolveModuleOptions({ store, maxBreakers: 5 }).rest).toEqual({ store, maxBreakers: 5 });
  });

  it('passes on what a factory returns, for the registry to check', () => {
    const options = { defaults: { minimumCalls: 2 } };
    expect(checkFactoryResult(options)).toBe(options);
    expect(checkNames(['a', 'b'])).toEqual(['a', 'b']);
  });
});
