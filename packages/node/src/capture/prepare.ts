import { loadBinding } from './binding.js';

/**
 * Start PortAudio now, on the addon's thread, so that opening the device later does not wait for it
 * (Pa_Initialize probes the host APIs: 45–70 ms on the rig). Opens no stream: nothing is captured.
 * Called while the permission prompt is open. Holds no timer: it never keeps the process alive, and
 * a failure (no addon, no sound server) is left for the open to report.
 */
export function preparePortAudio(): void {
  try {
    loadBinding()
      .listDevices(false)
      .catch(() => {});
  } catch {
    // No addon here: capture says so when it is used.
  }
}
