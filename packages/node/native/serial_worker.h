// One thread that runs jobs in the order they were posted. Every PortAudio call that can talk to
// the sound server runs here: a sound server that stops answering (SIGSTOP, a hung daemon) blocks
// this thread, never the JS thread. Jobs report back through a Completions queue.
#pragma once

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

class SerialWorker {
 public:
  using Job = std::function<void()>;

  static SerialWorker* Create() { return new SerialWorker(); }

  void Post(Job job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
  }

  // Runs the jobs already posted, then ends the thread and deletes this. Waits at most `grace` for
  // that: a thread still stuck in the sound server after it is detached and left running, with
  // everything its jobs hold (a deliberate leak: joining would hang the process forever).
  // Returns false when it had to do that.
  bool StopAndDelete(std::chrono::milliseconds grace) {
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
    bool finished = exited_cv_.wait_for(lock, grace, [this] { return exited_; });
    lock.unlock();
    if (!finished) {
      thread_.detach();  // the thread deletes nothing; `this` stays allocated for it
      return false;
    }
    thread_.join();
    delete this;
    return true;
  }

 private:
  SerialWorker() : thread_([this] { Run(); }) {}
  ~SerialWorker() = default;

  void Run() {
    // No signal is ever handled here, nor on the threads PortAudio and libpulse start from here
    // (they inherit this mask). PortAudio ends its callback thread with pthread_cancel: a SIGCHLD
    // (any child process exiting) taken there inside libuv's signal handler was cancelled holding
    // libuv's signal lock, and the JS thread's next signal hung the process for good.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) break;  // stopping, and nothing left to run
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
    exited_ = true;
    exited_cv_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable exited_cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  bool exited_ = false;
  std::thread thread_;  // last: starts once the members above exist
};
