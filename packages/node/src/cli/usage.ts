/** `micgate --help`. */
export function usage(storePath: string): string {
  return `micgate: which apps may use the microphone (the Node.js counterpart of Settings > Privacy > Microphone)

Usage:
  micgate list [--json]     show every remembered decision
  micgate grant APP         allow APP to use the microphone
  micgate deny APP          don't allow APP to use the microphone
                            (an app the store has never seen needs --force: a typo is refused)
  micgate reset APP         forget APP's decision, so it asks again
  micgate reset --all       forget every app's decision (like \`tccutil reset Microphone\`)
  micgate --help            show this help
  micgate --version         show micgate's version
  --config-dir DIR          use the store in DIR (an app that passes its own configDir)

APP is the app id the program passes to createNodeAdapter({ appId }), e.g. micgate-record.
A running app sees a change within about half a second. Times are local; --json gives ISO 8601 UTC.
Decisions live in ${storePath}, one APP.decision.json per app
($XDG_CONFIG_HOME/micgate, or ~/.config/micgate). A folder or file there that another user
owns or can write is not trusted: its decisions count as undetermined.

Exit status: 0 done, 1 the store could not be read or written, 2 bad usage.
`;
}
