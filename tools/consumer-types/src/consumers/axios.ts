// @tripswitch/axios on an axios instance.
import { attachBreaker, isCircuitOpenError } from '@tripswitch/axios';
import axios, { type AxiosResponse } from 'axios';

export async function axiosClient(): Promise<unknown> {
  const api = axios.create({ timeout: 2_000 });
  const cached = new Map<string, AxiosResponse>();
  const detach: () => void = attachBreaker(api, {
    failureRateThreshold: 50,
    isFailure: ({ response }) => response === undefined || response.status >= 500,
    fallback: (refusal, config) => {
      const response = cached.get(config.url ?? '');
      if (response === undefined) throw refusal;
      return response;
    },
  });
  attachBreaker(axios);
  attachBreaker(new axios.Axios({}));
  // @ts-expect-error: not an axios instance
  attachBreaker('not an axios instance');
  // @ts-expect-error: axios times its own requests
  attachBreaker(api, { timeoutMs: 1_000 });
  try {
    await api.get('https://inventory.internal/health', { breaker: false });
    return (await api.get('https://inventory.internal/stock/42')).data;
  } catch (error) {
    if (isCircuitOpenError(error)) return undefined;
    throw error;
  } finally {
    detach();
  }
}
