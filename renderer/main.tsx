import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';

async function bootstrap(): Promise<void> {
  // In Electron the preload has defined window.auditor; served by the loopback host, the browser
  // bridge defines it (this chunk is never loaded inside Electron).
  if (window.auditor === undefined) {
    const { createBrowserBridge } = await import('../preload/browser-bridge');
    window.auditor = createBrowserBridge();
  }
  const root = document.getElementById('root');
  if (root === null) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void bootstrap();
