/**
 * The app's log: electron-log's file transport (rotation at a size, one previous file kept) in the
 * user's log folder, owner-only (0600, also after rotation), every message scrubbed of secrets
 * before it reaches the file. electron-log/node is the library's Electron-free entry, so the same
 * module serves the Electron shell (folder app.getPath('logs')), the browser host and the CLI.
 */
import { chmodSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join, parse } from 'node:path';
import electronLog from 'electron-log/node';
import { SecretScrubber } from './scrubber.js';
import { makeDirectorySync } from '../core/make-directory.js';

export const LOG_FILE_NAME = 'main.log';
/** 1 MiB per file, one archived file: enough for a support ticket, bounded on disk. */
const MAX_LOG_BYTES = 1024 * 1024;

export interface AppLog {
  readonly file: string | null;
  readonly scrubber: SecretScrubber;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
  /** Remember a secret value so no log line ever shows it. */
  registerSecret(value: string | null | undefined): void;
  /** The last `count` lines written (from the archived file too when the current one is short); already scrubbed. */
  tail(count: number): string[];
}

let loggers = 0;

function makePrivate(file: string): void {
  try {
    if (existsSync(file)) chmodSync(file, 0o600);
  } catch {
    // Windows has no POSIX modes; the profile folder's ACL protects the file there.
  }
}

/** A log writing to `<folder>/main.log`. */
export function createAppLog(options: { folder: string; maxBytes?: number; scrubber?: SecretScrubber }): AppLog {
  const scrubber = options.scrubber ?? new SecretScrubber();
  const file = join(options.folder, LOG_FILE_NAME);
  const archived = (path: string): string => {
    const { dir, name, ext } = parse(path);
    return join(dir, `${name}.old${ext}`);
  };
  makeDirectorySync(options.folder, 0o700);
  makePrivate(file);
  makePrivate(archived(file));

  // A logger of its own per core (tests build several in one process), never the shared default.
  const logger = electronLog.create({ logId: `timeline-auditor-${++loggers}` });
  logger.transports.console.level = false;
  logger.transports.file.level = 'info';
  logger.transports.file.maxSize = options.maxBytes ?? MAX_LOG_BYTES;
  logger.transports.file.resolvePathFn = () => file;
  logger.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  logger.transports.file.archiveLogFn = (current) => {
    const { path } = current;
    renameSync(path, archived(path));
    makePrivate(archived(path));
  };
  // Every message through the scrubber before any transport formats it.
  logger.hooks.push((message) => ({ ...message, data: message.data.map((item: unknown) => scrubber.scrub(item)) }));

  const read = (path: string): string[] => {
    try {
      return readFileSync(path, 'utf8')
        .split(/\r?\n/)
        .filter((line) => line !== '');
    } catch {
      return [];
    }
  };
  return {
    file,
    scrubber,
    info: (message, ...details) => logger.info(message, ...details),
    warn: (message, ...details) => logger.warn(message, ...details),
    error: (message, ...details) => logger.error(message, ...details),
    registerSecret: (value) => scrubber.register(value),
    tail: (count) => {
      const current = read(file);
      const lines = current.length >= count ? current : [...read(archived(file)), ...current];
      // Scrubbed again on the way out: secrets registered since a line was written are caught too.
      return lines.slice(-count).map((line) => scrubber.scrubText(line));
    },
  };
}

/** A log that keeps nothing (tests of other things, tools). */
export const silentLog: AppLog = {
  file: null,
  scrubber: new SecretScrubber(),
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  registerSecret: () => undefined,
  tail: () => [],
};
