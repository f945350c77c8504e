import { isRequestChannel, requestChannels, type IpcResult, type ParsedRequestInput, type RequestChannel, type RequestOutput } from '../../preload/contract.js';
import { serializeError } from './errors.js';
import { describeIssues, plainIssueWords } from './input-words.js';

/** One handler per request channel; input already validated against the contract's schema. */
export type IpcHandlers = {
  [C in RequestChannel]: (input: ParsedRequestInput<C>) => Promise<RequestOutput<C>>;
};

/**
 * The single entry point for every request, from Electron's ipcMain and from the loopback host
 * alike: unknown channel and invalid input become typed errors, a throwing handler becomes a
 * serialized AuditorError. Nothing a renderer sends can crash the main process.
 */
export async function dispatchRequest(handlers: IpcHandlers, channel: unknown, rawInput: unknown): Promise<IpcResult<unknown>> {
  if (!isRequestChannel(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no request channel named ${JSON.stringify(channel)}.` } };
  }
  // Issues a schema leaves to zod's defaults are worded for people; the channel stays in the details only.
  const parsed = requestChannels[channel].input.safeParse(rawInput ?? {}, { error: plainIssueWords });
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: describeIssues(parsed.error.issues),
        details: { channel, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) },
      },
    };
  }
  try {
    // The generic map cannot be narrowed per key by TypeScript; the parse above guarantees the shape.
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
