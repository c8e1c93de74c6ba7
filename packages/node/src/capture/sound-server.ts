// The sound server (PulseAudio, or PipeWire's pipewire-pulse) as `pactl` sees it: its sources and
// its default source, and a stream of "something about the sources changed" events.
//
// Why the sound server and not PortAudio: through ALSA, PortAudio lists the `pulse`/`default`
// plugin devices, which stay in its list whether a microphone is there or not, and it sees a new
// card only after Pa_Terminate/Pa_Initialize, which is refused while a stream is open. The server
// knows every source, which is the default, and announces each change as it happens
// (`pactl subscribe`): no re-initialisation, nothing touches an open stream.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { Observable } from 'rxjs';
import { serverTimeoutError } from './timeout.js';

export interface ServerSource {
  /** The server's name for it, e.g. `alsa_input.usb-…` or `vmic.monitor`. */
  name: string;
  /** What a person reads, e.g. "USB Microphone Mono"; the name when the server gives none. */
  description: string;
  channels: number;
  sampleRate: number;
  isDefault: boolean;
}

/** `pactl` failed without an answer from a server: not installed, or no server to talk to. */
class NoServer extends Error {}

/**
 * The server's sources, or undefined when no server answers `pactl` (not installed, none running).
 * A server that does not answer within `timeoutSeconds` (frozen, hung) is DeviceBusyError.
 */
export async function readServerSources(timeoutSeconds: number): Promise<ServerSource[] | undefined> {
  try {
    const [listed, defaultName] = await Promise.all([
      pactl(['--format=json', 'list', 'sources'], timeoutSeconds),
      pactl(['get-default-source'], timeoutSeconds),
    ]);
    return parseSources(listed, defaultName.trim());
  } catch (error) {
    // Output that is not JSON: a pactl too old for --format=json (before PulseAudio 15).
    if (error instanceof SyntaxError) return undefined;
    if (error instanceof NoServer) return undefined;
    throw error;
  }
}

export function parseSources(json: string, defaultName: string): ServerSource[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  const sources: ServerSource[] = [];
  for (const entry of parsed as Array<Record<string, unknown>>) {
    if (typeof entry?.name !== 'string' || entry.name === '') continue;
    // "s16le 1ch 48000Hz"
    const spec = typeof entry.sample_specification === 'string' ? entry.sample_specification : '';
    const channels = Number(/(\d+)ch/.exec(spec)?.[1] ?? 0);
    const sampleRate = Number(/(\d+)Hz/.exec(spec)?.[1] ?? 0);
    const description =
      typeof entry.description === 'string' && entry.description.trim() !== '' ? entry.description : entry.name;
    sources.push({ name: entry.name, description, channels, sampleRate, isDefault: entry.name === defaultName });
  }
  return sources;
}

/**
 * One event per change the server announces to its sources or to the server itself (a new
 * default source). Errors when `pactl subscribe` cannot run or ends (the server went away).
 * The watcher never keeps the process alive by itself.
 */
export function serverEvents(): Observable<void> {
  return new Observable<void>((subscriber) => {
    let child: ChildProcess;
    try {
      child = spawn('pactl', ['subscribe'], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (error) {
      subscriber.error(error);
      return;
    }
    let pending = '';
    let ended = false;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.some(isDeviceEvent)) subscriber.next();
    });
    const end = (error: Error) => {
      if (ended) return;
      ended = true;
      subscriber.error(error);
    };
    child.once('error', end);
    child.once('exit', (code) => end(new Error(`pactl subscribe ended (exit code ${code})`)));
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    return () => {
      ended = true;
      child.kill();
    };
  });
}

/**
 * Whether a `pactl subscribe` line can change the inputs: "Event 'new' on source #3", "Event
 * 'remove' on source #3", "Event 'change' on server #…" (a new default). Not a source's 'change'
 * (mostly its state, idle or running, as clients come and go), nor a source-output's 'new' or
 * 'remove': those are capture streams opening and closing, ours among them.
 */
export function isDeviceEvent(line: string): boolean {
  return /'(new|remove)' on source #|on server\b/.test(line);
}

function pactl(args: string[], timeoutSeconds: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const child = execFile('pactl', args, { encoding: 'utf8' }, (error, stdout) => {
      clearTimeout(timer);
      if (timedOut) reject(serverTimeoutError('list its devices', timeoutSeconds));
      else if (error) reject(new NoServer(error.message));
      else resolve(stdout);
    });
    // pactl waits for a frozen server forever, and exits 0 on SIGTERM: time it out ourselves.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
  });
}
