// Masking steps and the animation state of the Masking scene.
#include "teach/masking.h"

#include <algorithm>

#include "wire/mask.h"

namespace viz::teach {

std::vector<MaskStep> mask_steps(std::span<const std::uint8_t> masked_payload, const wire::MaskingKey& key,
                                 std::size_t limit) {
  const std::size_t n = std::min(masked_payload.size(), limit);
  std::vector<std::uint8_t> clear(masked_payload.begin(), masked_payload.begin() + static_cast<std::ptrdiff_t>(n));
  wire::apply_mask(clear, key, 0);   // 5.3: the same XOR masks and unmasks
  std::vector<MaskStep> steps(n);
  for (std::size_t i = 0; i < n; ++i) {
    steps[i] = MaskStep{i, masked_payload[i], i % 4, key[i % 4], clear[i]};
  }
  return steps;
}

void MaskingPlayer::reset(std::size_t total_bytes) {
  total_ = total_bytes;
  done_ = 0;
  fraction_ = 0.0f;
  hold_ = 0.0f;
}

void MaskingPlayer::step_forward() {
  playing_ = false;
  fraction_ = 0.0f;
  if (done_ < total_) ++done_;
}

void MaskingPlayer::step_back() {
  playing_ = false;
  fraction_ = 0.0f;
  if (done_ > 0) --done_;
}

void MaskingPlayer::show_all() {
  playing_ = false;
  fraction_ = 0.0f;
  done_ = total_;
}

void MaskingPlayer::advance(float dt) {
  if (!playing_ || total_ == 0 || dt <= 0.0f) return;
  if (done_ >= total_) {
    hold_ += dt;
    if (hold_ >= hold_s) {   // loop for the room
      done_ = 0;
      fraction_ = 0.0f;
      hold_ = 0.0f;
    }
    return;
  }
  fraction_ += dt * bytes_per_second_;
  while (fraction_ >= 1.0f && done_ < total_) {
    fraction_ -= 1.0f;
    ++done_;
  }
  if (done_ >= total_) fraction_ = 0.0f;
}

}  // namespace viz::teach
