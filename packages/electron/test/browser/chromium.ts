// The browser package's in-page test tooling: the CDP permission command, the fake microphone's
// signal, and waits. Reused, not copied, so both packages test capture the same way.
export {
  clickPage,
  FAKE_MICROPHONE,
  measureFrequency,
  setMicrophonePermission,
  waitFor,
} from '@micgate/chromium-rig/page';
