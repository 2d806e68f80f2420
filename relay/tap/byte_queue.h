// relay::ByteQueue: bytes waiting for a WRITEABLE, as the chunks they came
// in, with a total for the high/low water marks of the tap's flow control.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/fifo.h"

namespace relay {

class ByteQueue {
 public:
  void push(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    chunks_.emplace_back(bytes.begin(), bytes.end());
    size_ += bytes.size();
  }
  bool empty() const { return chunks_.empty(); }
  std::size_t size() const { return size_; }
  std::vector<std::uint8_t>& front() { return chunks_.front(); }
  void pop() {
    size_ -= chunks_.front().size();
    chunks_.pop_front();
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

 private:
  wire::Fifo<std::vector<std::uint8_t>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace relay
