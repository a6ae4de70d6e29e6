import type { InterceptingListener, Interceptor } from '@grpc/grpc-js';

// grpc-js exports the interceptor's signature but not every type in it; these name the parts.

/** What an interceptor receives: the call options, with the method's definition. */
export type InterceptorOptions = Parameters<Interceptor>[0];

/** What creates the next call of the chain: the next interceptor, or grpc-js itself. */
export type NextCall = Parameters<Interceptor>[1];

/** A call of the chain, as the interceptor above it sees it. */
export type ChainCall = ReturnType<NextCall>;

/** What a call reports its responses to, as the call below it sees it. */
export type ChainListener = Partial<InterceptingListener>;
