// Masking (RFC 6455 5.3) one byte at a time, for the Masking scene:
// clear[i] = masked[i] XOR masking_key[i mod 4]. The clear bytes come from
// wire::apply_mask (the one implementation); each step adds which key byte
// was used so the scene can colour it. MaskingPlayer is the step/play state
// of the animation, driven only by dt (deterministic screenshots).
// Pure: no ImGui; tested in tests/visualizer/teach_masking_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/frame.h"

namespace viz::teach {

struct MaskStep {
  std::size_t index = 0;       // i, the payload byte
  std::uint8_t masked = 0;     // as on the wire
  std::size_t key_index = 0;   // i mod 4
  std::uint8_t key_byte = 0;   // masking_key[i mod 4]
  std::uint8_t clear = 0;      // masked XOR key_byte
};

// At most `limit` steps from the start of the payload (the scene shows a window).
std::vector<MaskStep> mask_steps(std::span<const std::uint8_t> masked_payload, const wire::MaskingKey& key,
                                 std::size_t limit = 4096);

// "step and play": how many bytes of the payload are unmasked so far.
// One owner: the Masking scene (one per app).
class MaskingPlayer {
 public:
  // A new payload: restart from byte 0, paused or playing as before.
  void reset(std::size_t total_bytes);
  void play() { playing_ = true; }
  void pause() { playing_ = false; }
  void toggle() { playing_ = !playing_; }
  bool playing() const { return playing_; }
  void step_forward();            // one more byte unmasked (pauses)
  void step_back();               // one fewer (pauses)
  void show_all();                // every byte unmasked (pauses)
  // Advances by dt seconds at bytes_per_second while playing; at the end it
  // holds for hold_s seconds then starts again (so a projector loops).
  void advance(float dt);
  std::size_t done() const { return done_; }        // bytes already unmasked: 0..total
  float fraction() const { return fraction_; }      // progress into the current byte, 0..1
  std::size_t total() const { return total_; }
  void set_speed(float bytes_per_second) { bytes_per_second_ = bytes_per_second; }
  float speed() const { return bytes_per_second_; }

 private:
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  float fraction_ = 0.0f;
  float hold_ = 0.0f;
  bool playing_ = true;
  float bytes_per_second_ = 3.0f;
  static constexpr float hold_s = 3.0f;
};

}  // namespace viz::teach
