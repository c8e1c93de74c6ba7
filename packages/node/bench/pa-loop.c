/* The floor: the least a PortAudio capture can cost. A callback that copies each buffer into a
 * preallocated ring and notes how late it runs after the ADC; nothing else.
 * usage: pa-loop SECONDS RATE CHANNELS FRAMES_PER_BUFFER   → one JSON line on stdout. */
#include <portaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MAX_DELAYS 200000
#define RING_SAMPLES (1 << 20)

static float ring[RING_SAMPLES];
static size_t ringHead;
static double delays[MAX_DELAYS];
static volatile long delayCount;
static volatile long framesSeen;
static volatile long overflows;
static int channels;

static int callback(const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *time,
                    PaStreamCallbackFlags flags, void *user) {
  (void)output;
  (void)user;
  const float *in = input;
  size_t samples = frames * channels;
  for (size_t i = 0; i < samples; i++) ring[(ringHead + i) & (RING_SAMPLES - 1)] = in[i];
  ringHead += samples;
  framesSeen += frames;
  if (flags & paInputOverflow) overflows++;
  if (delayCount < MAX_DELAYS && time->inputBufferAdcTime > 0) delays[delayCount++] = time->currentTime - time->inputBufferAdcTime;
  return paContinue;
}

static double cpuSeconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: pa-loop SECONDS RATE CHANNELS FRAMES\n");
    return 2;
  }
  double seconds = atof(argv[1]);
  double rate = atof(argv[2]);
  channels = atoi(argv[3]);
  unsigned long framesPerBuffer = strtoul(argv[4], NULL, 10);
  PaError err = Pa_Initialize();
  if (err != paNoError) {
    fprintf(stderr, "Pa_Initialize: %s\n", Pa_GetErrorText(err));
    return 1;
  }
  PaStreamParameters in = {0};
  in.device = Pa_GetDefaultInputDevice();
  if (in.device == paNoDevice) {
    fprintf(stderr, "no default input\n");
    return 1;
  }
  in.channelCount = channels;
  in.sampleFormat = paFloat32;
  in.suggestedLatency = Pa_GetDeviceInfo(in.device)->defaultLowInputLatency;
  PaStream *stream;
  double cpuStart = cpuSeconds();
  err = Pa_OpenStream(&stream, &in, NULL, rate, framesPerBuffer, paClipOff, callback, NULL);
  if (err == paNoError) err = Pa_StartStream(stream);
  if (err != paNoError) {
    fprintf(stderr, "open/start: %s\n", Pa_GetErrorText(err));
    return 1;
  }
  /* Steady state from warmSeconds on, as in subject-capture.ts. */
  double warmSeconds = seconds / 4 < 5 ? seconds / 4 : 5;
  usleep((useconds_t)(warmSeconds * 1e6));
  double cpuWarm = cpuSeconds();
  usleep((useconds_t)((seconds - warmSeconds) * 1e6));
  double steady = cpuSeconds() - cpuWarm;
  Pa_StopStream(stream);
  Pa_CloseStream(stream);
  double cpu = cpuSeconds() - cpuStart;
  long count = delayCount;
  qsort(delays, count, sizeof(double), compare);
  double p50 = count ? delays[count / 2] : -1, p99 = count ? delays[(long)(count * 0.99)] : -1;
  printf("RESULT {\"cpuSeconds\":%.4f,\"steadyCpuSeconds\":%.4f,\"steadySeconds\":%.3f,\"frames\":%ld,\"expectedFrames\":%.0f,\"framesLost\":0,\"inputOverflows\":%ld,"
         "\"delayP50Ms\":%.3f,\"delayP99Ms\":%.3f}\n",
         cpu, steady, seconds - warmSeconds, framesSeen, seconds * rate, overflows, p50 * 1000, p99 * 1000);
  Pa_Terminate();
  return 0;
}
