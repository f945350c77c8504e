import type { Writable } from 'node:stream';

/**
 * Waits until `stream` takes more writes. Rejects when it has failed or closed — before the wait or
 * during it. `once(stream, 'drain')` alone waits forever on a stream that failed before the wait
 * began (a file that could not be opened errors on the next tick, and 'drain' never comes): an
 * export to a folder that refuses files hung that way instead of saying so.
 */
export async function drained(stream: Writable): Promise<void> {
  if (stream.errored) throw stream.errored;
  if (stream.destroyed) throw closedEarly();
  if (!stream.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(stream.errored ?? closedEarly());
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

function closedEarly(): Error {
  return new Error('The output closed before everything was written to it.');
}
