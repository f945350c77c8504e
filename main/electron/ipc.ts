import { requestChannelNames, type IpcResult } from '../../preload/contract.js';
import { dispatchRequest, type IpcHandlers } from '../core/ipc-dispatch.js';
import type { SenderFrame } from './security.js';

/** The part of Electron's ipcMain used here (a typed stand-in in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: SenderFrame | null }, input: unknown) => Promise<IpcResult<unknown>>): void;
}

/** Registers one ipcMain handler per request channel of the contract, each behind the sender check. */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: IpcHandlers, isTrustedSender: (frame: SenderFrame | null) => boolean): void {
  for (const channel of requestChannelNames) {
    ipcMain.handle(channel, async (event, input) => {
      if (!isTrustedSender(event.senderFrame)) {
        return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'This request did not come from the Timeline Auditor window and was refused.' } };
      }
      return dispatchRequest(handlers, channel, input);
    });
  }
}
