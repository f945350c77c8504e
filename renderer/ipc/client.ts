import { useCallback, useEffect, useState } from 'react';
import type { AuditorApi, EventChannel, EventPayload, IpcError, RequestChannel, RequestInput, RequestOutput } from '../../preload/contract';

declare global {
  interface Window {
    auditor?: AuditorApi;
  }
}

/** A failed IPC request, carrying the main process's code and hint for the UI. */
export class IpcCallError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(error: IpcError) {
    super(error.message);
    this.name = 'IpcCallError';
    this.code = error.code;
    this.hint = error.hint;
    this.details = error.details;
  }
}

function auditor(): AuditorApi {
  if (window.auditor === undefined) throw new Error('window.auditor is missing: the page was not opened by Timeline Auditor.');
  return window.auditor;
}

/** Calls a request channel; resolves with its output or throws IpcCallError. */
export async function call<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>> {
  const result = await auditor().invoke(channel, input);
  if (!result.ok) throw new IpcCallError(result.error);
  return result.value;
}

export function subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
  return auditor().on(channel, listener);
}

export type AsyncState<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: IpcCallError | Error };

/** Loads a request channel's output once (and again on `reload`). */
export function useRequest<C extends RequestChannel>(channel: C, input: RequestInput<C>): [AsyncState<RequestOutput<C>>, () => void] {
  const [state, setState] = useState<AsyncState<RequestOutput<C>>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(input);
  useEffect(() => {
    let live = true;
    call(channel, JSON.parse(key) as RequestInput<C>).then(
      (value) => live && setState({ status: 'ready', value }),
      (error: unknown) => live && setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [channel, key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return [state, reload];
}
