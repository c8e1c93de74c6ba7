// Results the SerialWorker sends back to the JS thread. The uv handle is unref'd: a result that
// nobody waits for any more (its JS timeout fired) never keeps the process alive. Post is safe from
// any thread, also after Close (the result is dropped).
#pragma once

#include <napi.h>
#include <uv.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>

class Completions {
 public:
  using Result = std::function<void(Napi::Env)>;

  explicit Completions(Napi::Env env) : env_(env), context_(std::make_unique<Napi::AsyncContext>(env, "micgate:portaudio")) {
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    handle_ = new uv_async_t;
    uv_async_init(loop, handle_, [](uv_async_t* handle) { static_cast<Completions*>(handle->data)->Drain(); });
    handle_->data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
  }

  void Post(Result result) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (handle_ == nullptr) return;
    queue_.push_back(std::move(result));
    uv_async_send(handle_);
  }

  // JS thread, once: the environment is going away.
  void Close() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (handle_ == nullptr) return;
    queue_.clear();
    uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* handle) { delete reinterpret_cast<uv_async_t*>(handle); });
    handle_ = nullptr;
    // Left undestroyed on purpose: this runs in an environment cleanup hook, where Deno's
    // napi_async_destroy needs a V8 HandleScope that it does not have (V8 aborts the process:
    // "Cannot create a handle without a HandleScope"). The environment is going away with it.
    context_.release();
  }

 private:
  void Drain() {
    std::deque<Result> ready;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready.swap(queue_);
    }
    for (Result& result : ready) {
      if (!context_) return;
      Napi::HandleScope scope(env_);
      // A callback scope, so that promise reactions run when it closes, as after any callback.
      Napi::CallbackScope callbackScope(env_, *context_);
      result(env_);
      if (env_.IsExceptionPending()) {
        Napi::Error error = env_.GetAndClearPendingException();
        napi_fatal_exception(env_, error.Value());
      }
    }
  }

  Napi::Env env_;
  std::unique_ptr<Napi::AsyncContext> context_;
  std::mutex mutex_;
  std::deque<Result> queue_;
  uv_async_t* handle_ = nullptr;
};
