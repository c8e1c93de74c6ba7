// micgate's capture addon: PortAudio input → lock-free ring → JS.
//
// Threads: PortAudio calls `OnAudio` on its own real-time thread. That function only copies
// samples into an SpscRing, records one timestamp mark, bumps atomics and calls
// uv_async_send (an atomic plus a write to an eventfd): no allocation, no lock, no JS. The
// JS thread wakes in `OnWake`, cuts the ring into Float32Arrays of exactly framesPerBuffer
// frames and calls the stream's onData(samples, time, framesLost).
//
// Time: each buffer's `time` is its first frame's ADC time from PortAudio
// (inputBufferAdcTime), moved onto CLOCK_MONOTONIC in seconds — the clock of
// process.hrtime() — by measuring CLOCK_MONOTONIC inside the callback and subtracting
// PortAudio's own (currentTime - inputBufferAdcTime), then smoothed (see SmoothedTime).

#include <napi.h>
#include <portaudio.h>
#include <uv.h>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#if defined(MICGATE_HAVE_ALSA)
#include <alsa/asoundlib.h>
#endif

#include "spsc_ring.h"

namespace {

double MonotonicSeconds() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

#if defined(MICGATE_HAVE_ALSA)
// ALSA prints every failed probe ("unable to open slave", unknown PCM cards...) on stderr.
// PortAudio reports the failures that matter to us as error codes; the rest is noise.
void SilentAlsaErrorHandler(const char*, int, const char*, int, const char*, ...) {}
#endif

class CaptureStream;

// Per-environment state (one per Node thread that loads the addon).
struct AddonState {
  bool portAudioReady = false;
  std::set<CaptureStream*> openStreams;
};

Napi::Error PortAudioError(Napi::Env env, PaError code, const std::string& context) {
  std::string message = context + ": " + Pa_GetErrorText(code);
  std::string hostText;
  long hostCode = 0;
  if (code == paUnanticipatedHostError) {
    const PaHostErrorInfo* host = Pa_GetLastHostErrorInfo();
    if (host != nullptr) {
      hostCode = host->errorCode;
      if (host->errorText != nullptr) hostText = host->errorText;
      if (!hostText.empty()) message += " (" + hostText + ")";
    }
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("paErrorCode", Napi::Number::New(env, code));
  error.Set("paErrorName", Napi::String::New(env, Pa_GetErrorText(code)));
  error.Set("hostErrorCode", Napi::Number::New(env, static_cast<double>(hostCode)));
  error.Set("hostErrorText", Napi::String::New(env, hostText));
  return error;
}

// Pa_Initialize probes every ALSA and JACK device and prints what fails on fd 2. Silence fd 2
// for just that call (the process's other threads lose stderr for those milliseconds).
PaError InitializePortAudioQuietly() {
  setenv("JACK_NO_START_SERVER", "1", 0);
#if defined(MICGATE_HAVE_ALSA)
  snd_lib_error_set_handler(SilentAlsaErrorHandler);
#endif
  fflush(stderr);
  int savedStderr = dup(STDERR_FILENO);
  int devNull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (savedStderr >= 0 && devNull >= 0) dup2(devNull, STDERR_FILENO);
  PaError result = Pa_Initialize();
  fflush(stderr);
  if (savedStderr >= 0) {
    dup2(savedStderr, STDERR_FILENO);
    close(savedStderr);
  }
  if (devNull >= 0) close(devNull);
  return result;
}

bool EnsurePortAudio(Napi::Env env, AddonState* state) {
  if (state->portAudioReady) return true;
  PaError result = InitializePortAudioQuietly();
  if (result != paNoError) {
    PortAudioError(env, result, "PortAudio could not start").ThrowAsJavaScriptException();
    return false;
  }
  state->portAudioReady = true;
  return true;
}

struct TimeMark {
  uint64_t frame;  // index of the first frame this mark times, counted over frames written
  double time;     // its capture time, CLOCK_MONOTONIC seconds
};

class CaptureStream : public Napi::ObjectWrap<CaptureStream> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CaptureStream",
                       {
                           InstanceMethod("start", &CaptureStream::Start),
                           InstanceMethod("close", &CaptureStream::Close),
                           InstanceMethod("stats", &CaptureStream::Stats),
                       });
  }

  // new CaptureStream({ device, channels, sampleRate, framesPerBuffer, latency, ringFrames }, onData, onEnd)
  explicit CaptureStream(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CaptureStream>(info) {
    Napi::Env env = info.Env();
    state_ = env.GetInstanceData<AddonState>();
    if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsFunction() || !info[2].IsFunction()) {
      Napi::TypeError::New(env, "CaptureStream(options, onData, onEnd)").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object options = info[0].As<Napi::Object>();
    device_ = options.Get("device").As<Napi::Number>().Int32Value();
    channels_ = options.Get("channels").As<Napi::Number>().Int32Value();
    sampleRate_ = options.Get("sampleRate").As<Napi::Number>().DoubleValue();
    framesPerBuffer_ = options.Get("framesPerBuffer").As<Napi::Number>().Uint32Value();
    latency_ = options.Get("latency").As<Napi::Number>().DoubleValue();
    uint32_t ringFrames = options.Get("ringFrames").As<Napi::Number>().Uint32Value();
    if (channels_ < 1 || framesPerBuffer_ < 1 || !(sampleRate_ > 0) || ringFrames < framesPerBuffer_) {
      Napi::RangeError::New(env, "CaptureStream: invalid options").ThrowAsJavaScriptException();
      return;
    }
    samples_ = std::make_unique<SpscRing<float>>(static_cast<size_t>(ringFrames) * channels_);
    // One mark per PortAudio callback; enough for the whole ring even with tiny callbacks.
    marks_ = std::make_unique<SpscRing<TimeMark>>(ringFrames / 16 + 64);
    onData_ = Napi::Persistent(info[1].As<Napi::Function>());
    onEnd_ = Napi::Persistent(info[2].As<Napi::Function>());
    asyncContext_ = std::make_unique<Napi::AsyncContext>(env, "micgate:capture");
  }

  ~CaptureStream() override { Shutdown(); }

  // Ends every stream of this environment (process exit, worker exit).
  void Shutdown() {
    closing_.store(true);
    if (stream_ != nullptr) {
      // Abort joins PortAudio's callback thread: after it returns no callback can run.
      Pa_AbortStream(stream_);
      Pa_CloseStream(stream_);
      stream_ = nullptr;
    }
    if (wake_ != nullptr) {
      wake_->data = nullptr;
      uv_close(reinterpret_cast<uv_handle_t*>(wake_), [](uv_handle_t* handle) { delete reinterpret_cast<uv_async_t*>(handle); });
      wake_ = nullptr;
    }
    if (registered_) state_->openStreams.erase(this);
    registered_ = false;
    // The rings are the big allocations: free them now rather than when the GC finalizes us.
    samples_.reset();
    marks_.reset();
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (stream_ != nullptr || closing_.load()) {
      Napi::Error::New(env, "CaptureStream: already started or closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (!EnsurePortAudio(env, state_)) return env.Undefined();

    PaStreamParameters input{};
    input.device = device_;
    input.channelCount = channels_;
    input.sampleFormat = paFloat32;
    input.suggestedLatency = latency_;
    input.hostApiSpecificStreamInfo = nullptr;

    wake_ = new uv_async_t;
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    uv_async_init(loop, wake_, [](uv_async_t* handle) {
      if (handle->data != nullptr) static_cast<CaptureStream*>(handle->data)->OnWake();
    });
    wake_->data = this;

    PaError result = Pa_OpenStream(&stream_, &input, nullptr, sampleRate_, framesPerBuffer_, paClipOff, &CaptureStream::OnAudio, this);
    if (result != paNoError) {
      stream_ = nullptr;
      Shutdown();
      PortAudioError(env, result, "could not open the input stream").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Pa_SetStreamFinishedCallback(stream_, &CaptureStream::OnFinished);
    state_->openStreams.insert(this);
    registered_ = true;
    // Hold the JS object while the device is open, whatever the caller keeps.
    self_ = Napi::Persistent(info.This().As<Napi::Object>());
    result = Pa_StartStream(stream_);
    if (result != paNoError) {
      Napi::Error error = PortAudioError(env, result, "could not start the input stream");
      Shutdown();
      self_.Reset();
      error.ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const PaStreamInfo* streamInfo = Pa_GetStreamInfo(stream_);
    Napi::Object started = Napi::Object::New(env);
    started.Set("inputLatency", Napi::Number::New(env, streamInfo != nullptr ? streamInfo->inputLatency : 0));
    started.Set("sampleRate", Napi::Number::New(env, streamInfo != nullptr ? streamInfo->sampleRate : sampleRate_));
    return started;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    self_.Reset();
    return info.Env().Undefined();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object stats = Napi::Object::New(env);
    stats.Set("framesLost", Napi::Number::New(env, static_cast<double>(framesLost_.load())));
    stats.Set("inputOverflows", Napi::Number::New(env, static_cast<double>(inputOverflows_.load())));
    stats.Set("callbacks", Napi::Number::New(env, static_cast<double>(callbacks_.load())));
    stats.Set("framesDelivered", Napi::Number::New(env, static_cast<double>(framesRead_)));
    stats.Set("active", Napi::Boolean::New(env, stream_ != nullptr && Pa_IsStreamActive(stream_) == 1));
    return stats;
  }

  // PortAudio's real-time thread. Copy, mark, count, wake: nothing else.
  static int OnAudio(const void* input, void*, unsigned long frameCount, const PaStreamCallbackTimeInfo* timeInfo,
                     PaStreamCallbackFlags flags, void* userData) {
    auto* self = static_cast<CaptureStream*>(userData);
    if (self->closing_.load(std::memory_order_relaxed)) return paAbort;
    self->callbacks_.fetch_add(1, std::memory_order_relaxed);
    if ((flags & paInputOverflow) != 0) self->inputOverflows_.fetch_add(1, std::memory_order_relaxed);

    double now = MonotonicSeconds();
    double time = now - static_cast<double>(frameCount) / self->sampleRate_;
    if (timeInfo != nullptr && timeInfo->inputBufferAdcTime > 0 && timeInfo->currentTime >= timeInfo->inputBufferAdcTime &&
        timeInfo->currentTime - timeInfo->inputBufferAdcTime < 5.0) {
      time = now - (timeInfo->currentTime - timeInfo->inputBufferAdcTime);
    }

    size_t channels = static_cast<size_t>(self->channels_);
    size_t fits = self->samples_->writable() / channels;
    size_t frames = frameCount < fits ? frameCount : fits;
    if (frames > 0 && input != nullptr) {
      self->marks_->push(TimeMark{self->framesWritten_, time});
      self->samples_->write(static_cast<const float*>(input), frames * channels);
      self->framesWritten_ += frames;
    }
    if (frames < frameCount) self->framesLost_.fetch_add(frameCount - frames, std::memory_order_relaxed);
    uv_async_send(self->wake_);
    return paContinue;
  }

  // PortAudio calls this when the stream stops for any reason, on one of its threads.
  static void OnFinished(void* userData) {
    auto* self = static_cast<CaptureStream*>(userData);
    if (self->closing_.load()) return;
    self->finished_.store(true);
    uv_async_send(self->wake_);
  }

  // JS thread: hand every complete buffer to onData, then report an unexpected end.
  void OnWake() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    size_t bufferSamples = static_cast<size_t>(framesPerBuffer_) * channels_;
    while (!closing_.load() && samples_ && samples_->readable() >= bufferSamples) {
      Napi::Float32Array samples = Napi::Float32Array::New(env, bufferSamples);
      samples_->read(samples.Data(), bufferSamples);
      TimeMark next;
      while (marks_->peek(next) && next.frame <= framesRead_) {
        currentMark_ = next;
        marks_->drop_one();
      }
      double time = SmoothedTime(currentMark_.time + static_cast<double>(framesRead_ - currentMark_.frame) / sampleRate_);
      framesRead_ += framesPerBuffer_;
      napi_value args[] = {samples, Napi::Number::New(env, time), Napi::Number::New(env, static_cast<double>(framesLost_.load()))};
      Call(onData_, args, 3);
    }
    if (!closing_.load() && finished_.load() && !endReported_) {
      endReported_ = true;
      napi_value args[] = {Napi::String::New(env, "stopped"), Napi::String::New(env, "the input stream stopped by itself")};
      Call(onEnd_, args, 2);
    }
  }

  // A converter runs at a steady rate, so buffer k's ADC time lies on a line; PortAudio's per-
  // callback figure scatters around it (±0.3 ms here) and jumps while the stream starts. Follow
  // the line, slewing towards each measurement; jump forward to the measurement when it is later
  // by more than kResyncSeconds or input was lost (a gap must show in `time`). Never step back:
  // without a loss the next buffer was captured after this one.
  double SmoothedTime(double measured) {
    static constexpr double kResyncSeconds = 0.004;
    static constexpr double kSlew = 0.1;
    uint64_t lost = framesLost_.load(std::memory_order_relaxed) + inputOverflows_.load(std::memory_order_relaxed);
    double predicted = lineTime_ + static_cast<double>(framesRead_ - lineFrame_) / sampleRate_;
    double error = measured - predicted;
    if (!lineKnown_ || lost != lossSeen_ || error > kResyncSeconds) {
      lineKnown_ = true;
      lossSeen_ = lost;
      lineTime_ = measured;
      lineFrame_ = framesRead_;
      return measured;
    }
    double halfBuffer = static_cast<double>(framesPerBuffer_) / sampleRate_ / 2;
    lineTime_ += std::max(error * kSlew, -halfBuffer);
    return lineTime_ + static_cast<double>(framesRead_ - lineFrame_) / sampleRate_;
  }

  void Call(Napi::FunctionReference& callback, const napi_value* args, size_t count) {
    Napi::Env env = Env();
    callback.MakeCallback(Value(), count, args, *asyncContext_);
    if (env.IsExceptionPending()) {
      Napi::Error error = env.GetAndClearPendingException();
      napi_fatal_exception(env, error.Value());
    }
  }

  AddonState* state_ = nullptr;
  bool registered_ = false;
  PaStream* stream_ = nullptr;
  uv_async_t* wake_ = nullptr;
  PaDeviceIndex device_ = paNoDevice;
  int channels_ = 1;
  double sampleRate_ = 48000;
  uint32_t framesPerBuffer_ = 1024;
  double latency_ = 0;
  std::unique_ptr<SpscRing<float>> samples_;
  std::unique_ptr<SpscRing<TimeMark>> marks_;
  Napi::FunctionReference onData_;
  Napi::FunctionReference onEnd_;
  Napi::ObjectReference self_;
  std::unique_ptr<Napi::AsyncContext> asyncContext_;

  // Written by the audio thread only.
  uint64_t framesWritten_ = 0;
  // Read by the JS thread only.
  uint64_t framesRead_ = 0;
  TimeMark currentMark_{0, 0};
  bool lineKnown_ = false;
  double lineTime_ = 0;
  uint64_t lineFrame_ = 0;
  uint64_t lossSeen_ = 0;
  bool endReported_ = false;
  // Shared.
  std::atomic<bool> closing_{false};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> framesLost_{0};
  std::atomic<uint64_t> inputOverflows_{0};
  std::atomic<uint64_t> callbacks_{0};
};

// listDevices(refresh): input devices. PortAudio's list is fixed at Pa_Initialize, so
// `refresh` restarts PortAudio — only possible while no stream is open.
Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonState* state = env.GetInstanceData<AddonState>();
  bool refresh = info.Length() > 0 && info[0].ToBoolean().Value();
  if (refresh && state->portAudioReady && state->openStreams.empty()) {
    Pa_Terminate();
    state->portAudioReady = false;
  }
  if (!EnsurePortAudio(env, state)) return env.Undefined();
  Napi::Array devices = Napi::Array::New(env);
  PaDeviceIndex count = Pa_GetDeviceCount();
  PaDeviceIndex defaultInput = Pa_GetDefaultInputDevice();
  uint32_t next = 0;
  for (PaDeviceIndex index = 0; index < count; index++) {
    const PaDeviceInfo* device = Pa_GetDeviceInfo(index);
    if (device == nullptr || device->maxInputChannels < 1) continue;
    const PaHostApiInfo* host = Pa_GetHostApiInfo(device->hostApi);
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("index", Napi::Number::New(env, index));
    entry.Set("name", Napi::String::New(env, device->name != nullptr ? device->name : ""));
    entry.Set("hostApi", Napi::String::New(env, host != nullptr && host->name != nullptr ? host->name : ""));
    entry.Set("maxInputChannels", Napi::Number::New(env, device->maxInputChannels));
    entry.Set("defaultSampleRate", Napi::Number::New(env, device->defaultSampleRate));
    entry.Set("defaultLowInputLatency", Napi::Number::New(env, device->defaultLowInputLatency));
    entry.Set("defaultHighInputLatency", Napi::Number::New(env, device->defaultHighInputLatency));
    entry.Set("isDefault", Napi::Boolean::New(env, index == defaultInput));
    devices.Set(next++, entry);
  }
  return devices;
}

Napi::Value OpenStreamCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(info.Env().GetInstanceData<AddonState>()->openStreams.size()));
}

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), Pa_GetVersionText()); }

void Cleanup(AddonState* state) {
  // Copy: Shutdown erases from the set.
  std::set<CaptureStream*> open = state->openStreams;
  for (CaptureStream* stream : open) stream->Shutdown();
  if (state->portAudioReady) Pa_Terminate();
  state->portAudioReady = false;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new AddonState();
  env.SetInstanceData<AddonState>(state);  // deleted by node-addon-api when the env goes
  env.AddCleanupHook([state]() { Cleanup(state); });
  Napi::Function captureStream = CaptureStream::Define(env);
  exports.Set("CaptureStream", captureStream);
  exports.Set("listDevices", Napi::Function::New(env, ListDevices));
  exports.Set("openStreamCount", Napi::Function::New(env, OpenStreamCount));
  exports.Set("portAudioVersion", Napi::Function::New(env, Version));
  return exports;
}

}  // namespace

NODE_API_MODULE(micgate_capture, Init)
