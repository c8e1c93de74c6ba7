// Test tooling for micgate's browser-side packages (Node side). Not part of the library's API.
export {
  CHROMIUM_PATH,
  chromiumArgs,
  chromiumLaunchOptions,
  fakeMicrophoneWavPath,
  writeFakeMicrophoneWav,
} from './chromium.js';
export { micgateCommands, setMicrophonePermission } from './commands.js';
export { FAKE_MICROPHONE } from './fake-microphone.js';
