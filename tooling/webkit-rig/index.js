// The WebKit rig from Node: Xvfb, the rig's microphone as a source WebKit lists, the embedding host, the played user.
export { createPlayedUser } from './played-user.js';
export { exposeRigSource, launchHost, startXvfb, unloadRemap, WEBKIT_SOURCE } from './webkit.js';
