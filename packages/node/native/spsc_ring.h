// A single-producer single-consumer ring of trivially copyable values. The producer (the
// PortAudio callback) and the consumer (the JS thread) each own one index; they meet only
// through two atomics, so neither side ever waits, locks or allocates after construction.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstring>
#include <memory>

template <typename T>
class SpscRing {
 public:
  // Capacity is rounded up to a power of two so indices wrap with a mask.
  explicit SpscRing(size_t minimumCapacity) {
    capacity_ = 1;
    while (capacity_ < minimumCapacity) capacity_ <<= 1;
    mask_ = capacity_ - 1;
    items_ = std::make_unique<T[]>(capacity_);
  }

  size_t capacity() const { return capacity_; }

  // Producer: free slots right now (may grow as the consumer reads, never shrinks under us).
  size_t writable() const {
    size_t head = head_.load(std::memory_order_relaxed);
    size_t tail = tail_.load(std::memory_order_acquire);
    return capacity_ - (head - tail);
  }

  // Producer: copy up to `count` items; returns how many fit.
  size_t write(const T* source, size_t count) {
    size_t head = head_.load(std::memory_order_relaxed);
    size_t tail = tail_.load(std::memory_order_acquire);
    size_t room = capacity_ - (head - tail);
    if (count > room) count = room;
    size_t start = head & mask_;
    size_t first = count < capacity_ - start ? count : capacity_ - start;
    std::memcpy(&items_[start], source, first * sizeof(T));
    std::memcpy(&items_[0], source + first, (count - first) * sizeof(T));
    head_.store(head + count, std::memory_order_release);
    return count;
  }

  // Producer: one item, if there is room.
  bool push(const T& item) { return write(&item, 1) == 1; }

  // Consumer: items ready to read.
  size_t readable() const {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t head = head_.load(std::memory_order_acquire);
    return head - tail;
  }

  // Consumer: copy out up to `count` items; returns how many were read.
  size_t read(T* target, size_t count) {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t head = head_.load(std::memory_order_acquire);
    size_t available = head - tail;
    if (count > available) count = available;
    size_t start = tail & mask_;
    size_t first = count < capacity_ - start ? count : capacity_ - start;
    std::memcpy(target, &items_[start], first * sizeof(T));
    std::memcpy(target + first, &items_[0], (count - first) * sizeof(T));
    tail_.store(tail + count, std::memory_order_release);
    return count;
  }

  // Consumer: look at the oldest item without taking it.
  bool peek(T& item) const {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t head = head_.load(std::memory_order_acquire);
    if (head == tail) return false;
    item = items_[tail & mask_];
    return true;
  }

  void drop_one() { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

 private:
  size_t capacity_ = 0;
  size_t mask_ = 0;
  std::unique_ptr<T[]> items_;
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
};
