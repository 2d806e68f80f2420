// Lab 3: masking. Your code: write each function below (the contract is in ../include/mask.h; the
// tasks, in order, are in ../README.md). It calls your lab 2 code (encode_frame_header).
// Grade it with `wirelab-grade 3`. Each function does nothing useful until you write it, so it scores 0 now.
#include "mask.h"

#include <sys/random.h>  // getrandom(buffer, length, 0): the kernel's CSPRNG

namespace ws {

// TODO(lab 3, task 1): XOR each byte with the key byte its position in the payload (offset + i) picks.
void apply_mask([[maybe_unused]] std::span<std::uint8_t> data,
                [[maybe_unused]] const std::array<std::uint8_t, 4>& masking_key,
                [[maybe_unused]] std::uint64_t offset) {}

// TODO(lab 3, task 2): 4 unpredictable bytes.
std::array<std::uint8_t, 4> new_masking_key() { return {0, 0, 0, 0}; }

// TODO(lab 3, task 3): a FrameHeader (masked with a new key when a client sends), its bytes, then the
// payload, masked when the header says so.
std::vector<std::uint8_t> encode_frame([[maybe_unused]] Role sender, [[maybe_unused]] Opcode opcode,
                                       [[maybe_unused]] std::span<const std::uint8_t> payload,
                                       [[maybe_unused]] bool fin) {
  return {};
}

// TODO(lab 3, task 4): who must mask, and who must not (RFC 6455 5.1).
std::string check_masking([[maybe_unused]] Role receiver, [[maybe_unused]] const FrameHeader& header) {
  return "check_masking is not written yet";
}

// TODO(lab 3, task 4): unmask in place if masked; then the frame is no longer masked.
void unmask_frame([[maybe_unused]] Frame& frame) {}

}  // namespace ws
