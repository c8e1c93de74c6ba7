// The page's line to the Node side of the WebKit suite runner (suite.js): same-origin fetches to the
// server that serves the page, so no call carries a user gesture or goes through the host's scripts.

/** Call a rig command on the Node side (the played user, the host, the audio rig); resolves with its value. */
export async function rig<T = unknown>(cmd: string, ...args: unknown[]): Promise<T> {
  const response = await fetch(`/__micgate/${cmd}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`WebKit rig: ${cmd} failed: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
