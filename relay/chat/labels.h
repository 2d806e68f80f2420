// relay::chat::LabelMaker: anonymous labels "Stranger 7f3a" (anonymous: no names from users).
// Four hex digits from a seeded PRNG, unique among the labels in use. Never a
// name from a user. One per Service.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>

namespace relay::chat {

class LabelMaker {
 public:
  // deterministic: the sequence depends on seed only; otherwise on seed and std::random_device.
  LabelMaker(std::uint64_t seed, bool deterministic);

  // A label not in use; it is in use until release().
  std::string take();
  void release(const std::string& label);
  bool in_use(const std::string& label) const { return in_use_.count(label) != 0; }

 private:
  std::string candidate(int hex_digits);
  std::mt19937_64 rng_;
  std::unordered_set<std::string> in_use_;
};

}  // namespace relay::chat
