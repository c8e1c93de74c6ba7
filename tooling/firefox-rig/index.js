// Test tooling for micgate in Firefox ESR (Node side). Not part of the library's API.
export { answerMicrophonePrompt, inBrowserWindow, microphonePrompts, setMicrophonePermission } from './chrome.js';
export { FIREFOX_PATH, FIREFOX_PREFS, firefoxLaunchOptions, launchFirefox } from './firefox.js';
