import { useEffect, useState } from 'react';
import type { ConnectionStatusView } from '../../preload/contract';
import { call, subscribe } from '../ipc/client';

/** The Zoho connection as main reports it, kept current by `auth:status-changed`. */
export function useConnectionStatus(): [ConnectionStatusView | null, (status: ConnectionStatusView) => void] {
  const [status, setStatus] = useState<ConnectionStatusView | null>(null);
  useEffect(() => {
    let live = true;
    void call('auth:status', {}).then((value) => live && setStatus(value));
    const unsubscribe = subscribe('auth:status-changed', setStatus);
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);
  return [status, setStatus];
}
