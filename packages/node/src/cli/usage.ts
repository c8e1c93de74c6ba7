/** `micgate --help`. */
export function usage(storePath: string): string {
  return `micgate: which apps may use the microphone (the Node.js counterpart of Settings > Privacy > Microphone)

Usage:
  micgate list [--json]     show every remembered decision
  micgate grant APP         allow APP to use the microphone
  micgate deny APP          don't allow APP to use the microphone
  micgate reset APP         forget APP's decision, so it asks again
  micgate reset --all       forget every app's decision (like \`tccutil reset Microphone\`)
  micgate --help            show this help

APP is the app id the program passes to createNodeAdapter({ appId }), e.g. micgate-record.
A running app sees a change within about half a second.
Decisions live in ${storePath}
($XDG_CONFIG_HOME/micgate/permissions.json, or ~/.config/micgate/permissions.json).

Exit status: 0 done, 1 the store could not be read or written, 2 bad usage.
`;
}
