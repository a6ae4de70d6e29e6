import type { RefusalProblemFunction } from '@tripswitch/core/http';

/** @internal What `TripswitchModule` tells the filter and the interceptor: how to write a refusal's body. */
export interface RefusalSettings {
  readonly problem: RefusalProblemFunction | undefined;
}

/** @internal The provider of the {@link RefusalSettings} (the module's `problem` option). */
export const refusalSettingsToken: unique symbol = Symbol('tripswitch.refusal-settings');
