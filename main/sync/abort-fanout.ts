/**
 * One 'abort' listener on a run's signal however many requests are in flight: each request gets a
 * child signal of its own (fetch, backoff sleeps and the concurrency window each listen on that),
 * and the run's signal aborts every live child. Listening on the run's signal per request made Node
 * print "MaxListenersExceededWarning: 11 abort listeners" on every bulk run (issue 13).
 */
export class AbortFanout {
  readonly #parent: AbortSignal | undefined;
  readonly #children = new Set<AbortController>();
  readonly #onAbort = (): void => {
    for (const child of this.#children) child.abort(this.#parent?.reason);
    this.#children.clear();
  };

  constructor(parent: AbortSignal | undefined) {
    this.#parent = parent;
    if (parent !== undefined && !parent.aborted) parent.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** A signal for one piece of work; `dispose` when it is over (the child is forgotten). */
  child(): { signal: AbortSignal | undefined; dispose: () => void } {
    const parent = this.#parent;
    if (parent === undefined) return { signal: undefined, dispose: () => undefined };
    const controller = new AbortController();
    if (parent.aborted) controller.abort(parent.reason);
    else this.#children.add(controller);
    return { signal: controller.signal, dispose: () => this.#children.delete(controller) };
  }

  /** Stops listening on the parent (the run is over). */
  close(): void {
    this.#parent?.removeEventListener('abort', this.#onAbort);
    this.#children.clear();
  }
}
