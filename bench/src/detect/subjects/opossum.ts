import type { AsyncSubject } from '@tripswitch/simulator';
import CircuitBreaker from 'opossum';
import { installedVersion } from '../../subjects/version.ts';
import type { Contender } from '../contender.ts';
import { installFakeTime } from '../fake-time.ts';

/** opossum with its documented defaults, on fake time. */
export const opossum: Contender = {
  name: 'opossum',
  library: `opossum ${installedVersion('opossum')}`,
  setup: 'new CircuitBreaker(fn, { rollingPercentilesEnabled: false }); breaker.fire()',
  halfOpenMaxCalls: 1,
  subject: () => (context) => {
    const time = installFakeTime();
    const breaker = new CircuitBreaker((send: () => Promise<void>) => send(), {
      rollingPercentilesEnabled: false,
    });
    breaker.on('open', () => context.transition('open', time.now()));
    breaker.on('halfOpen', () => context.transition('half-open', time.now()));
    breaker.on('close', () => context.transition('closed', time.now()));
    const subject: AsyncSubject = {
      mode: 'async',
      call: (send) => breaker.fire(send),
      advanceTo: time.advanceTo,
      dispose() {
        breaker.shutdown();
        time.uninstall();
      },
    };
    return subject;
  },
  notes: [
    'Defaults: `errorThresholdPercentage: 50` (opens when the error rate of its window is *above* 50 %), a 10 s window in 10 buckets, `volumeThreshold: 0`, `resetTimeout: 30_000`, `timeout: 10_000`, one trial call when half-open. It has no slow-call rule: in scenario 6 only its 10 s timeout could fail a call, and a 3 s call never reaches it.',
    '`rollingPercentilesEnabled: false` changes no decision: by default opossum sorts every latency of its window on each failure, which would make the ten-minute runs at 1,000 calls/s take minutes.',
    'Its window counts every `fire()`, refused calls included, and is not cleared when the circuit opens or closes.',
  ],
};
