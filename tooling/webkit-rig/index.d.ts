export type HostDecision = 'allow' | 'deny';

export interface WebKitHost {
  /** Load `url` in the window; resolves once it finished loading. */
  load(url: string): Promise<string>;
  /** How WebKit's next microphone prompts are answered: at once, or held open ('pending') until `answer`. */
  setPolicy(microphone: HostDecision | 'pending'): Promise<void>;
  /** Answer the oldest prompt held open. */
  answer(decision: HostDecision): Promise<number>;
  /** What permissions.query({name:'microphone'}) is told (WebKit shows 'denied' as 'prompt'). */
  setQueryState(state: 'granted' | 'denied' | 'prompt'): Promise<void>;
  /** The browser's own microphone control: 'muted' pauses, 'none' stops sharing (tracks end). */
  setCaptureState(state: 'none' | 'active' | 'muted'): Promise<string>;
  status(): Promise<{ held: number; requests: number; capture: string }>;
  /** Run an async function body in the main frame as a user action (it carries a user gesture). */
  script(body: string): Promise<unknown>;
  /** The whole page as a PNG. */
  snapshot(path: string): Promise<string>;
  resize(width: number, height: number): Promise<void>;
  /** Unmap the window: the page becomes hidden (visibilitychange), as behind another window. */
  hide(): Promise<void>;
  /** Map it again and bring it to the front. */
  show(): Promise<void>;
  onEvent(listener: (event: Record<string, unknown>) => void): () => boolean;
  close(): Promise<void>;
}

export interface PlayedUser {
  reset(): Promise<void>;
  answerNextPrompt(answer: 'grant' | 'deny', delayMs?: number): void;
  explained(text: string): void;
  prompts(): string[];
  pending(): number;
  /** Change the site's setting (no hiding: pair with host.hide()/show() when the page must not see it happen). */
  decide(decision: 'undetermined' | 'denied' | 'granted'): Promise<void>;
  decideOutsideApp(decision: 'undetermined' | 'denied' | 'granted'): Promise<void>;
}

export const WEBKIT_SOURCE: string;
export function startXvfb(): Promise<{ display: string; stop(): Promise<void> }>;
export function exposeRigSource(env: { PULSE_SERVER: string }): Promise<void>;
export function unloadRemap(env: { PULSE_SERVER: string }, name?: string): Promise<void>;
export function launchHost(options: {
  display: string;
  env?: Record<string, string>;
  scale?: number;
}): Promise<WebKitHost>;
export function createPlayedUser(host: WebKitHost): PlayedUser;
