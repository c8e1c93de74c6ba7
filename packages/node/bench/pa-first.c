/* The floor for "decision → first sample": PortAudio already initialised (as micgate does while its
 * prompt is open), then open and start the default input and wait for the first callback.
 * usage: pa-first RATE CHANNELS FRAMES_PER_BUFFER   → one `RESULT {json}` line on stdout, in ms:
 *   toFirstCallbackMs — open call → first callback; captureAfterMs — open call → that buffer's first
 *   frame's ADC time (PortAudio's estimate); openMs, startMs — Pa_OpenStream, Pa_StartStream. */
#include <portaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile double firstAt, firstAdcAge;
static volatile int calls;

static int callback(const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *time,
                    PaStreamCallbackFlags flags, void *user) {
  (void)input, (void)output, (void)frames, (void)flags, (void)user;
  if (calls == 0) {
    firstAdcAge = time->currentTime - time->inputBufferAdcTime;
    firstAt = now();
  }
  calls++;
  return paContinue;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: pa-first RATE CHANNELS FRAMES\n");
    return 2;
  }
  if (Pa_Initialize() != paNoError) return 1;
  PaStreamParameters in = {0};
  in.device = Pa_GetDefaultInputDevice();
  if (in.device == paNoDevice) return 1;
  in.channelCount = atoi(argv[2]);
  in.sampleFormat = paFloat32;
  in.suggestedLatency = Pa_GetDeviceInfo(in.device)->defaultLowInputLatency;
  PaStream *stream;
  double opening = now();
  if (Pa_OpenStream(&stream, &in, NULL, atof(argv[1]), strtoul(argv[3], NULL, 10), paClipOff, callback, NULL) != paNoError) return 1;
  double opened = now();
  if (Pa_StartStream(stream) != paNoError) return 1;
  double started = now();
  for (int i = 0; i < 10000 && calls == 0; i++) usleep(500);
  double first = firstAt;
  Pa_AbortStream(stream);
  Pa_CloseStream(stream);
  Pa_Terminate();
  if (first == 0) return 1;
  printf("RESULT {\"toFirstCallbackMs\":%.3f,\"captureAfterMs\":%.3f,\"openMs\":%.3f,\"startMs\":%.3f}\n", (first - opening) * 1e3,
         (first - firstAdcAge - opening) * 1e3, (opened - opening) * 1e3, (started - opened) * 1e3);
  return 0;
}
