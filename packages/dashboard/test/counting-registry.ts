import { type BreakerEventName, type BreakerListener, BreakerRegistry } from '@tripswitch/core';

/**
 * A real registry that counts its live subscriptions, so a test can see that the dashboard
 * unsubscribes every listener it added. (The core has no listener count of its own.)
 */
export class CountingRegistry extends BreakerRegistry {
  listeners = 0;

  override on<K extends BreakerEventName>(event: K, listener: BreakerListener<K>): () => void {
    const off = super.on(event, listener);
    this.listeners++;
    let subscribed = true;
    return () => {
      if (subscribed) {
        subscribed = false;
        this.listeners--;
      }
      off();
    };
  }
}
