/**
 * Watches for rejections the runtime reports as unhandled, however it reports them: Node.js and
 * Bun through `process`'s `unhandledRejection`, Deno and workerd through an `unhandledrejection`
 * event on the global scope (whose default, in Deno, ends the process). Runs `work`, then leaves
 * one rejection of its own unhandled and waits until the runtime reports it — the runtime reports
 * them in the order they arose, so by then it has reported any that `work` left — and resolves
 * with the reasons of every other rejection reported meanwhile.
 */
export async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
  const reported = new Set<unknown>();
  const control = new Error('the control rejection, left unhandled on purpose');
  let controlSeen!: () => void;
  const seen = new Promise<void>((resolve) => {
    controlSeen = resolve;
  });
  const onReason = (reason: unknown): void => {
    if (reason === control) controlSeen();
    else reported.add(reason);
  };
  const onEvent = (event: Event): void => {
    event.preventDefault();
    onReason((event as PromiseRejectionEvent).reason);
  };
  const { process } = globalThis as {
    process?: {
      on?(event: string, listener: (reason: unknown) => void): void;
      off?(event: string, listener: (reason: unknown) => void): void;
    };
  };
  const scope = globalThis as Partial<
    Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
  >;
  process?.on?.('unhandledRejection', onReason);
  scope.addEventListener?.('unhandledrejection', onEvent);
  try {
    await work();
    void Promise.reject(control);
    // Only a runtime that reports no unhandled rejection at all gets here: the limit catches it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<'unreported'>((resolve) => {
      timer = setTimeout(() => resolve('unreported'), 10_000);
    });
    const outcome = await Promise.race([seen, limit]);
    clearTimeout(timer);
    if (outcome === 'unreported') {
      throw new Error('the runtime reported no unhandled rejection, not even the control one');
    }
    return [...reported];
  } finally {
    process?.off?.('unhandledRejection', onReason);
    scope.removeEventListener?.('unhandledrejection', onEvent);
  }
}
