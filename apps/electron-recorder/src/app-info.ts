/** What the main process and the page agree on. */
export const APP_NAME = 'micgate Recorder';
/** The page is served from this origin; the broker answers no other. */
export const APP_ORIGIN = 'app://recorder';
/** The purpose string shown in the microphone dialog (Apple's NSMicrophoneUsageDescription). */
export const USAGE_DESCRIPTION =
  'micgate Recorder records from your microphone only while you press Record, and saves the take where you choose.';
