// micgate's capture addon: PortAudio input → lock-free ring → JS.
//
// Threads: PortAudio calls `OnAudio` on its own real-time thread. That function only copies
// samples into an SpscRing, records one timestamp mark, bumps atomics and calls
// uv_async_send (an atomic plus a write to an eventfd): no allocation, no lock, no JS. The
// JS thread wakes in `OnWake`, copies the ring out framesPerBuffer frames at a time into one
// reused Float32Array and calls the stream's onData(samples, time, framesLost) for each.
//
// Every other PortAudio call (initialise, list, open, start, abort, close, terminate) can wait on
// the sound server — forever when it is stopped (SIGSTOP) — so they all run in order on one
// SerialWorker thread and answer through Promises; the JS side bounds each wait with a timeout.
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

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#if defined(MICGATE_HAVE_ALSA)
#include <alsa/asoundlib.h>
#include <pa_linux_alsa.h>
#endif

#include "completions.h"
#include "serial_worker.h"
#include "spsc_ring.h"

// PortAudio's debug printer (pa_debugprint.h). Debian's shared libportaudio.so.2 does not export it,
// the static libportaudio.a does: weak, so the addon links and loads either way.
extern "C" void PaUtil_SetDebugPrintFunction(void (*callback)(const char* log)) __attribute__((weak));

#if defined(MICGATE_STATIC_PORTAUDIO)
// The host APIs Pa_Initialize starts. Defining the table here keeps the archive's own
// (pa_unix_hostapis.o: ALSA, JACK, OSS) out of the link, and with it JACK, whose library would
// otherwise be needed at run time. micgate reaches PulseAudio and PipeWire through ALSA.
extern "C" {
struct PaUtilHostApiRepresentation;
typedef PaError PaUtilHostApiInitializer(PaUtilHostApiRepresentation**, PaHostApiIndex);
PaError PaAlsa_Initialize(PaUtilHostApiRepresentation**, PaHostApiIndex);
__attribute__((visibility("hidden"))) PaUtilHostApiInitializer* paHostApiInitializers[] = {PaAlsa_Initialize, nullptr};
}
#endif

namespace {

double MonotonicSeconds() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// MICGATE_DEBUG=portaudio (or =1, =*) shows PortAudio's own diagnostics ("Expression '…' failed
// in 'src/hostapi/alsa/pa_linux_alsa.c'…") on stderr, prefixed; by default they are dropped,
// because they land in the middle of a terminal app's output while PortAudio also reports each
// failure that matters as an error code.
bool DebugEnabled() {
  static const bool enabled = [] {
    const char* value = getenv("MICGATE_DEBUG");
    if (value == nullptr) return false;
    return strcmp(value, "1") == 0 || strcmp(value, "*") == 0 || strstr(value, "portaudio") != nullptr;
  }();
  return enabled;
}

void PortAudioDebugPrint(const char* text) {
  if (DebugEnabled() && text != nullptr) fprintf(stderr, "micgate:portaudio %s", text);
}

#if defined(MICGATE_HAVE_ALSA)
// ALSA prints every failed probe ("unable to open slave", unknown PCM cards...) on stderr.
// PortAudio reports the failures that matter to us as error codes; the rest is noise.
void SilentAlsaErrorHandler(const char*, int, const char*, int, const char*, ...) {}
#endif

// A PortAudio failure, captured on the worker thread (the host error info is global state).
struct PaFailure {
  PaError code = paNoError;
  long hostCode = 0;
  std::string hostText;
  std::string context;
};

PaFailure Failure(PaError code, const char* context) {
  PaFailure failure;
  failure.code = code;
  failure.context = context;
  if (code == paUnanticipatedHostError) {
    const PaHostErrorInfo* host = Pa_GetLastHostErrorInfo();
    if (host != nullptr) {
      failure.hostCode = host->errorCode;
      if (host->errorText != nullptr) failure.hostText = host->errorText;
    }
  }
  return failure;
}

Napi::Error ToJsError(Napi::Env env, const PaFailure& failure) {
  std::string message = failure.context + ": " + Pa_GetErrorText(failure.code);
  if (!failure.hostText.empty()) message += " (" + failure.hostText + ")";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("paErrorCode", Napi::Number::New(env, failure.code));
  error.Set("paErrorName", Napi::String::New(env, Pa_GetErrorText(failure.code)));
  error.Set("hostErrorCode", Napi::Number::New(env, static_cast<double>(failure.hostCode)));
  error.Set("hostErrorText", Napi::String::New(env, failure.hostText));
  return error;
}

class CaptureStream;

// Per environment (one per Node thread that loads the addon). Held by shared_ptr: jobs still queued
// or stuck on the worker keep it alive after the environment is gone.
struct Shared {
  SerialWorker* worker = SerialWorker::Create();
  std::shared_ptr<Completions> completions;
  // Worker thread only.
  bool portAudioReady = false;
  int portAudioStreams = 0;
  // JS thread only: streams started and not yet closed.
  std::set<CaptureStream*> openStreams;
  bool shutDown = false;
};

struct AddonState {
  std::shared_ptr<Shared> shared;
};

// Worker thread. Pa_Initialize probes every ALSA and JACK device and prints what fails on fd 2.
// Silence fd 2 for just that call (the process's other threads lose stderr for those milliseconds).
bool EnsurePortAudio(Shared& shared, PaFailure& failure) {
  if (shared.portAudioReady) return true;
  setenv("JACK_NO_START_SERVER", "1", 0);
#if defined(MICGATE_HAVE_ALSA)
  snd_lib_error_set_handler(SilentAlsaErrorHandler);
#endif
  if (PaUtil_SetDebugPrintFunction != nullptr) PaUtil_SetDebugPrintFunction(PortAudioDebugPrint);
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
  if (result != paNoError) {
    failure = Failure(result, "PortAudio could not start");
    return false;
  }
  shared.portAudioReady = true;
  return true;
}

struct TimeMark {
  uint64_t frame;  // index of the first frame this mark times, counted over frames written
  double time;     // its capture time, CLOCK_MONOTONIC seconds
};

// What the audio thread and the worker share with the JS object. Held by shared_ptr so that a job
// stuck in the sound server never touches freed memory, whatever the GC does with the JS object.
struct StreamCore {
  PaStream* stream = nullptr;  // worker thread only
  uv_async_t* wake = nullptr;  // made and closed on the JS thread, sent to from the audio thread
  int channels = 1;
  double sampleRate = 48000;
  std::unique_ptr<SpscRing<float>> samples;
  std::unique_ptr<SpscRing<TimeMark>> marks;
  uint64_t framesWritten = 0;  // audio thread only
  std::atomic<bool> closing{false};
  std::atomic<bool> finished{false};
  std::atomic<bool> active{false};
  std::atomic<uint64_t> framesLost{0};
  std::atomic<uint64_t> inputOverflows{0};
  std::atomic<uint64_t> callbacks{0};
  std::atomic<double> firstCallbackTime{0};  // CLOCK_MONOTONIC seconds of the first callback, 0 before it
};

// Worker thread: stop and close the PortAudio stream, if there is one.
void CloseOnWorker(Shared& shared, StreamCore& core) {
  if (core.stream == nullptr) return;
  // Abort joins PortAudio's callback thread: after it returns no callback can run.
  Pa_AbortStream(core.stream);
  Pa_CloseStream(core.stream);
  core.stream = nullptr;
  core.active.store(false);
  shared.portAudioStreams--;
}

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
    shared_ = env.GetInstanceData<AddonState>()->shared;
    if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsFunction() || !info[2].IsFunction()) {
      Napi::TypeError::New(env, "CaptureStream(options, onData, onEnd)").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object options = info[0].As<Napi::Object>();
    device_ = options.Get("device").As<Napi::Number>().Int32Value();
    core_->channels = options.Get("channels").As<Napi::Number>().Int32Value();
    core_->sampleRate = options.Get("sampleRate").As<Napi::Number>().DoubleValue();
    framesPerBuffer_ = options.Get("framesPerBuffer").As<Napi::Number>().Uint32Value();
    latency_ = options.Get("latency").As<Napi::Number>().DoubleValue();
    // Optional: an ALSA device string (e.g. "pulse:DEVICE=<source>") opened instead of `device`.
    Napi::Value deviceString = options.Get("deviceString");
    if (deviceString.IsString()) deviceString_ = deviceString.As<Napi::String>().Utf8Value();
    uint32_t ringFrames = options.Get("ringFrames").As<Napi::Number>().Uint32Value();
    if (core_->channels < 1 || framesPerBuffer_ < 1 || !(core_->sampleRate > 0) || ringFrames < framesPerBuffer_) {
      Napi::RangeError::New(env, "CaptureStream: invalid options").ThrowAsJavaScriptException();
      return;
    }
    core_->samples = std::make_unique<SpscRing<float>>(static_cast<size_t>(ringFrames) * core_->channels);
    // One mark per PortAudio callback; enough for the whole ring even with tiny callbacks.
    core_->marks = std::make_unique<SpscRing<TimeMark>>(ringFrames / 16 + 64);
    onData_ = Napi::Persistent(info[1].As<Napi::Function>());
    onEnd_ = Napi::Persistent(info[2].As<Napi::Function>());
  }

  ~CaptureStream() override {
    // The async context is destroyed in Closed(); one left here belongs to a stream still open at
    // environment teardown, where destroying it aborts Deno (see Completions::Close).
    asyncContext_.release();
    // Only reached with the stream still open when the environment is torn down.
    if (core_->wake != nullptr) core_->wake->data = nullptr;
    if (started_ && !closeRequested_) RequestClose(false);
    shared_->openStreams.erase(this);
  }

  // Environment teardown: close on the worker, nobody waits for the answer.
  void RequestCloseForShutdown() {
    if (!closeRequested_) RequestClose(false);
  }

  // Environment teardown, once the worker finished every job: release the JS-thread handle.
  void ReleaseWake() {
    if (core_->wake == nullptr) return;
    core_->wake->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(core_->wake), [](uv_handle_t* handle) { delete reinterpret_cast<uv_async_t*>(handle); });
    core_->wake = nullptr;
  }

 private:
  // start(): Promise<{ inputLatency, sampleRate }>, settled once the device is open and running.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (started_ || closeRequested_ || shared_->shutDown) {
      Napi::Error::New(env, "CaptureStream: already started or closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    started_ = true;
    asyncContext_ = std::make_unique<Napi::AsyncContext>(env, "micgate:capture");
    core_->wake = new uv_async_t;
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    uv_async_init(loop, core_->wake, [](uv_async_t* handle) {
      if (handle->data != nullptr) static_cast<CaptureStream*>(handle->data)->OnWake();
    });
    core_->wake->data = this;
    shared_->openStreams.insert(this);
    // Hold the JS object until the device is closed, whatever the caller keeps.
    self_ = Napi::Persistent(info.This().As<Napi::Object>());

    auto deferred = std::make_shared<Napi::Promise::Deferred>(env);
    std::shared_ptr<Shared> shared = shared_;
    std::shared_ptr<StreamCore> core = core_;
    PaStreamParameters input{};
    input.device = device_;
    input.channelCount = core_->channels;
    input.sampleFormat = paFloat32;
    input.suggestedLatency = latency_;
    input.hostApiSpecificStreamInfo = nullptr;
    unsigned long framesPerBuffer = framesPerBuffer_;
    std::string deviceString = deviceString_;
    shared_->worker->Post([shared, core, input, framesPerBuffer, deviceString, deferred]() mutable {
      PaFailure failure;
      double inputLatency = 0;
      double sampleRate = core->sampleRate;
      bool ok = EnsurePortAudio(*shared, failure);
#if defined(MICGATE_HAVE_ALSA)
      PaAlsaStreamInfo alsaDevice;
      if (ok && !deviceString.empty()) {
        PaAlsa_InitializeStreamInfo(&alsaDevice);
        alsaDevice.deviceString = deviceString.c_str();
        input.device = paUseHostApiSpecificDeviceSpecification;
        input.hostApiSpecificStreamInfo = &alsaDevice;
      }
#endif
      if (ok) {
        PaError result = Pa_OpenStream(&core->stream, &input, nullptr, core->sampleRate, framesPerBuffer, paClipOff, &CaptureStream::OnAudio, core.get());
        if (result != paNoError) {
          core->stream = nullptr;
          failure = Failure(result, "could not open the input stream");
          ok = false;
        }
      }
      if (ok) {
        shared->portAudioStreams++;
        Pa_SetStreamFinishedCallback(core->stream, &CaptureStream::OnFinished);
        PaError result = Pa_StartStream(core->stream);
        if (result != paNoError) {
          failure = Failure(result, "could not start the input stream");
          CloseOnWorker(*shared, *core);
          ok = false;
        } else {
          core->active.store(true);
          const PaStreamInfo* streamInfo = Pa_GetStreamInfo(core->stream);
          if (streamInfo != nullptr) {
            inputLatency = streamInfo->inputLatency;
            sampleRate = streamInfo->sampleRate;
          }
        }
      }
      shared->completions->Post([ok, failure, inputLatency, sampleRate, deferred](Napi::Env env) {
        if (!ok) {
          deferred->Reject(ToJsError(env, failure).Value());
          return;
        }
        Napi::Object started = Napi::Object::New(env);
        started.Set("inputLatency", Napi::Number::New(env, inputLatency));
        started.Set("sampleRate", Napi::Number::New(env, sampleRate));
        deferred->Resolve(started);
      });
    });
    return deferred->Promise();
  }

  // close(): Promise<void>, settled once the device is closed. No callback runs after the call.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto deferred = std::make_shared<Napi::Promise::Deferred>(env);
    if (!started_ || closeRequested_) {
      closeRequested_ = true;
      core_->closing.store(true);
      deferred->Resolve(env.Undefined());
      return deferred->Promise();
    }
    RequestClose(true, deferred);
    return deferred->Promise();
  }

  void RequestClose(bool answer, std::shared_ptr<Napi::Promise::Deferred> deferred = nullptr) {
    closeRequested_ = true;
    core_->closing.store(true);
    // From now on this handle must not keep the process alive: if the close hangs, the process can still exit.
    if (core_->wake != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(core_->wake));
    std::shared_ptr<Shared> shared = shared_;
    std::shared_ptr<StreamCore> core = core_;
    if (shared->worker == nullptr) return;  // torn down: the worker already closed every stream
    if (!answer) {
      shared->worker->Post([shared, core] { CloseOnWorker(*shared, *core); });
      return;
    }
    CaptureStream* self = this;
    shared->worker->Post([shared, core, self, deferred] {
      CloseOnWorker(*shared, *core);
      shared->completions->Post([self, deferred](Napi::Env env) {
        self->Closed();
        deferred->Resolve(env.Undefined());
      });
    });
  }

  // JS thread, after the worker closed the device.
  void Closed() {
    ReleaseWake();
    shared_->openStreams.erase(this);
    // The rings are the big allocations: free them now rather than when the GC finalizes us.
    core_->samples.reset();
    core_->marks.reset();
    delivery_.Reset();
    asyncContext_.reset();
    self_.Reset();  // last: may let the GC finalize us
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object stats = Napi::Object::New(env);
    stats.Set("framesLost", Napi::Number::New(env, static_cast<double>(core_->framesLost.load())));
    stats.Set("inputOverflows", Napi::Number::New(env, static_cast<double>(core_->inputOverflows.load())));
    stats.Set("callbacks", Napi::Number::New(env, static_cast<double>(core_->callbacks.load())));
    stats.Set("framesDelivered", Napi::Number::New(env, static_cast<double>(framesRead_)));
    stats.Set("wakes", Napi::Number::New(env, static_cast<double>(wakes_)));
    stats.Set("firstCallbackTime", Napi::Number::New(env, core_->firstCallbackTime.load(std::memory_order_relaxed)));
    stats.Set("active", Napi::Boolean::New(env, core_->active.load() && !core_->closing.load()));
    return stats;
  }

  // PortAudio's real-time thread. Copy, mark, count, wake: nothing else.
  static int OnAudio(const void* input, void*, unsigned long frameCount, const PaStreamCallbackTimeInfo* timeInfo,
                     PaStreamCallbackFlags flags, void* userData) {
    auto* core = static_cast<StreamCore*>(userData);
    if (core->closing.load(std::memory_order_relaxed)) return paAbort;
    uint64_t callbackIndex = core->callbacks.fetch_add(1, std::memory_order_relaxed);
    if ((flags & paInputOverflow) != 0) core->inputOverflows.fetch_add(1, std::memory_order_relaxed);

    double now = MonotonicSeconds();
    if (callbackIndex == 0) core->firstCallbackTime.store(now, std::memory_order_relaxed);
    double time = now - static_cast<double>(frameCount) / core->sampleRate;
    if (timeInfo != nullptr && timeInfo->inputBufferAdcTime > 0 && timeInfo->currentTime >= timeInfo->inputBufferAdcTime &&
        timeInfo->currentTime - timeInfo->inputBufferAdcTime < 5.0) {
      time = now - (timeInfo->currentTime - timeInfo->inputBufferAdcTime);
    }

    size_t channels = static_cast<size_t>(core->channels);
    size_t fits = core->samples->writable() / channels;
    size_t frames = frameCount < fits ? frameCount : fits;
    if (frames > 0 && input != nullptr) {
      core->marks->push(TimeMark{core->framesWritten, time});
      core->samples->write(static_cast<const float*>(input), frames * channels);
      core->framesWritten += frames;
    }
    if (frames < frameCount) core->framesLost.fetch_add(frameCount - frames, std::memory_order_relaxed);
    uv_async_send(core->wake);
    return paContinue;
  }

  // PortAudio calls this when the stream stops for any reason, on one of its threads.
  static void OnFinished(void* userData) {
    auto* core = static_cast<StreamCore*>(userData);
    core->active.store(false);
    if (core->closing.load()) return;
    core->finished.store(true);
    uv_async_send(core->wake);
  }

  // JS thread: hand every complete buffer to onData, then report an unexpected end. Buffers that
  // queued up since the last wake (PulseAudio hands PortAudio 20 ms at once: two 10 ms callbacks
  // back to back) go out in one callback scope, so Node's per-callback bookkeeping (async hooks,
  // the tick queue, microtasks) runs once per wake, after the last of them.
  void OnWake() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    StreamCore& core = *core_;
    wakes_++;
    size_t bufferSamples = static_cast<size_t>(framesPerBuffer_) * core.channels;
    std::unique_ptr<Napi::CallbackScope> callbackScope;
    while (!core.closing.load() && core.samples && core.samples->readable() >= bufferSamples) {
      if (!callbackScope) callbackScope = std::make_unique<Napi::CallbackScope>(env, *asyncContext_);
      Napi::Float32Array samples = DeliveryBuffer(env, bufferSamples);
      core.samples->read(samples.Data(), bufferSamples);
      TimeMark next;
      while (core.marks->peek(next) && next.frame <= framesRead_) {
        currentMark_ = next;
        core.marks->drop_one();
      }
      double time = SmoothedTime(currentMark_.time + static_cast<double>(framesRead_ - currentMark_.frame) / core.sampleRate);
      framesRead_ += framesPerBuffer_;
      napi_value args[] = {samples, Napi::Number::New(env, time), Napi::Number::New(env, static_cast<double>(core.framesLost.load()))};
      CallInScope(onData_, args, 3);
    }
    callbackScope.reset();
    if (!core.closing.load() && core.finished.load() && !endReported_) {
      endReported_ = true;
      napi_value args[] = {Napi::String::New(env, "stopped"), Napi::String::New(env, "the input stream stopped by itself")};
      Call(onEnd_, args, 2);
    }
  }

  // The one Float32Array every buffer is delivered in: samples are valid during the onData call
  // (copy to keep), so steady state allocates no ArrayBuffer. A consumer that transferred it
  // (postMessage detaches it: length 0) gets a new one.
  Napi::Float32Array DeliveryBuffer(Napi::Env env, size_t length) {
    if (!delivery_.IsEmpty()) {
      Napi::Float32Array current = delivery_.Value();
      if (current.ElementLength() == length) return current;
    }
    Napi::Float32Array fresh = Napi::Float32Array::New(env, length);
    delivery_ = Napi::Reference<Napi::Float32Array>::New(fresh, 1);
    return fresh;
  }

  // A converter runs at a steady rate, so buffer k's ADC time lies on a line; PortAudio's per-
  // callback figure scatters around it (±0.3 ms here) and jumps while the stream starts. Follow
  // the line, slewing towards each measurement; jump forward to the measurement when it is later
  // by more than kResyncSeconds or input was lost (a gap must show in `time`). Never step back:
  // without a loss the next buffer was captured after this one.
  double SmoothedTime(double measured) {
    static constexpr double kResyncSeconds = 0.004;
    static constexpr double kSlew = 0.1;
    uint64_t lost = core_->framesLost.load(std::memory_order_relaxed) + core_->inputOverflows.load(std::memory_order_relaxed);
    double predicted = lineTime_ + static_cast<double>(framesRead_ - lineFrame_) / core_->sampleRate;
    double error = measured - predicted;
    if (!lineKnown_ || lost != lossSeen_ || error > kResyncSeconds) {
      lineKnown_ = true;
      lossSeen_ = lost;
      lineTime_ = measured;
      lineFrame_ = framesRead_;
      return measured;
    }
    double halfBuffer = static_cast<double>(framesPerBuffer_) / core_->sampleRate / 2;
    lineTime_ += std::max(error * kSlew, -halfBuffer);
    return lineTime_ + static_cast<double>(framesRead_ - lineFrame_) / core_->sampleRate;
  }

  // Inside OnWake's callback scope: a plain call (the scope does what MakeCallback would).
  void CallInScope(Napi::FunctionReference& callback, const napi_value* args, size_t count) {
    Napi::Env env = Env();
    napi_value result;
    napi_call_function(env, Value(), callback.Value(), count, args, &result);
    if (env.IsExceptionPending()) {
      Napi::Error error = env.GetAndClearPendingException();
      napi_fatal_exception(env, error.Value());
    }
  }

  void Call(Napi::FunctionReference& callback, const napi_value* args, size_t count) {
    Napi::Env env = Env();
    callback.MakeCallback(Value(), count, args, *asyncContext_);
    if (env.IsExceptionPending()) {
      Napi::Error error = env.GetAndClearPendingException();
      napi_fatal_exception(env, error.Value());
    }
  }

  std::shared_ptr<Shared> shared_;
  std::shared_ptr<StreamCore> core_ = std::make_shared<StreamCore>();
  bool started_ = false;
  bool closeRequested_ = false;
  PaDeviceIndex device_ = paNoDevice;
  std::string deviceString_;
  uint32_t framesPerBuffer_ = 1024;
  double latency_ = 0;
  Napi::FunctionReference onData_;
  Napi::FunctionReference onEnd_;
  Napi::ObjectReference self_;
  Napi::Reference<Napi::Float32Array> delivery_;
  std::unique_ptr<Napi::AsyncContext> asyncContext_;

  // JS thread only.
  uint64_t framesRead_ = 0;
  uint64_t wakes_ = 0;
  TimeMark currentMark_{0, 0};
  bool lineKnown_ = false;
  double lineTime_ = 0;
  uint64_t lineFrame_ = 0;
  uint64_t lossSeen_ = 0;
  bool endReported_ = false;
};

struct DeviceInfo {
  PaDeviceIndex index;
  std::string name;
  std::string hostApi;
  int maxInputChannels;
  double defaultSampleRate;
  double defaultLowInputLatency;
  double defaultHighInputLatency;
  bool isDefault;
};

// listDevices(refresh): Promise of the input devices. PortAudio's list is fixed at Pa_Initialize,
// so `refresh` restarts PortAudio — only done while no stream is open.
Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Shared> shared = env.GetInstanceData<AddonState>()->shared;
  bool refresh = info.Length() > 0 && info[0].ToBoolean().Value();
  auto deferred = std::make_shared<Napi::Promise::Deferred>(env);
  if (shared->worker == nullptr) {
    deferred->Reject(Napi::Error::New(env, "PortAudio is shut down").Value());
    return deferred->Promise();
  }
  shared->worker->Post([shared, refresh, deferred] {
    if (refresh && shared->portAudioReady && shared->portAudioStreams == 0) {
      Pa_Terminate();
      shared->portAudioReady = false;
    }
    PaFailure failure;
    bool ok = EnsurePortAudio(*shared, failure);
    std::vector<DeviceInfo> devices;
    if (ok) {
      PaDeviceIndex count = Pa_GetDeviceCount();
      PaDeviceIndex defaultInput = Pa_GetDefaultInputDevice();
      for (PaDeviceIndex index = 0; index < count; index++) {
        const PaDeviceInfo* device = Pa_GetDeviceInfo(index);
        if (device == nullptr || device->maxInputChannels < 1) continue;
        const PaHostApiInfo* host = Pa_GetHostApiInfo(device->hostApi);
        devices.push_back(DeviceInfo{index, device->name != nullptr ? device->name : "",
                                     host != nullptr && host->name != nullptr ? host->name : "", device->maxInputChannels,
                                     device->defaultSampleRate, device->defaultLowInputLatency, device->defaultHighInputLatency,
                                     index == defaultInput});
      }
    }
    shared->completions->Post([ok, failure, devices, deferred](Napi::Env env) {
      if (!ok) {
        deferred->Reject(ToJsError(env, failure).Value());
        return;
      }
      Napi::Array list = Napi::Array::New(env, devices.size());
      uint32_t next = 0;
      for (const DeviceInfo& device : devices) {
        Napi::Object entry = Napi::Object::New(env);
        entry.Set("index", Napi::Number::New(env, device.index));
        entry.Set("name", Napi::String::New(env, device.name));
        entry.Set("hostApi", Napi::String::New(env, device.hostApi));
        entry.Set("maxInputChannels", Napi::Number::New(env, device.maxInputChannels));
        entry.Set("defaultSampleRate", Napi::Number::New(env, device.defaultSampleRate));
        entry.Set("defaultLowInputLatency", Napi::Number::New(env, device.defaultLowInputLatency));
        entry.Set("defaultHighInputLatency", Napi::Number::New(env, device.defaultHighInputLatency));
        entry.Set("isDefault", Napi::Boolean::New(env, device.isDefault));
        list.Set(next++, entry);
      }
      deferred->Resolve(list);
    });
  });
  return deferred->Promise();
}

// Streams started and not yet closed (the close may still be running on the worker).
Napi::Value OpenStreamCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(info.Env().GetInstanceData<AddonState>()->shared->openStreams.size()));
}

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), Pa_GetVersionText()); }

// How long environment teardown (process or worker exit) waits for the worker to close the open
// streams and stop PortAudio. A sound server that does not answer in that time is left behind:
// the worker thread is detached with what it holds (see SerialWorker::StopAndDelete).
constexpr std::chrono::milliseconds kTeardownGrace{500};

void Cleanup(const std::shared_ptr<Shared>& shared) {
  shared->shutDown = true;
  std::set<CaptureStream*> open = shared->openStreams;
  for (CaptureStream* stream : open) stream->RequestCloseForShutdown();
  shared->worker->Post([shared] {
    if (shared->portAudioReady) Pa_Terminate();
    shared->portAudioReady = false;
  });
  shared->completions->Close();
  bool finished = shared->worker->StopAndDelete(kTeardownGrace);
  shared->worker = nullptr;
  if (finished) {
    for (CaptureStream* stream : open) stream->ReleaseWake();
  } else if (DebugEnabled()) {
    fprintf(stderr, "micgate:portaudio the sound server did not answer at exit; its thread was left behind\n");
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto shared = std::make_shared<Shared>();
  shared->completions = std::make_shared<Completions>(env);
  env.SetInstanceData<AddonState>(new AddonState{shared});  // deleted by node-addon-api when the env goes
  env.AddCleanupHook([shared]() { Cleanup(shared); });
  Napi::Function captureStream = CaptureStream::Define(env);
  exports.Set("CaptureStream", captureStream);
  exports.Set("listDevices", Napi::Function::New(env, ListDevices));
  exports.Set("openStreamCount", Napi::Function::New(env, OpenStreamCount));
  exports.Set("portAudioVersion", Napi::Function::New(env, Version));
  return exports;
}

}  // namespace

NODE_API_MODULE(micgate_capture, Init)
