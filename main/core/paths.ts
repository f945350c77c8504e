import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the app keeps its files when not inside Electron (Electron passes app.getPath('userData')).
 * TIMELINE_AUDITOR_HOME wins, then the platform's usual per-user data folder.
 */
export function defaultHomeDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = env['TIMELINE_AUDITOR_HOME'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Timeline Auditor');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Timeline Auditor');
  return join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'timeline-auditor');
}
