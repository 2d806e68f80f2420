// Lab 2: frame headers. Your code: write each function below (the contract is in ../include/frame.h;
// the tasks, in order, are in ../README.md). Grade it with `wirelab-grade 2`.
// Each function returns an obviously wrong answer until you write it, so it scores 0 now.
#include "frame.h"

namespace ws {

// TODO(lab 2, task 1): look at the opcode's bits (the table in RFC 6455 5.2).
bool is_control([[maybe_unused]] Opcode opcode) { return false; }
bool is_reserved([[maybe_unused]] Opcode opcode) { return false; }

// TODO(lab 2, task 2): byte 0 = FIN RSV1 RSV2 RSV3 opcode; byte 1 = MASK and the 7-bit length;
// then the 16- or 64-bit length (high byte first) if needed; then the masking key if masked.
std::vector<std::uint8_t> encode_frame_header([[maybe_unused]] const FrameHeader& header) {
  return {};
}

// TODO(lab 2, task 3): fewer than 2 bytes -> need_more; read byte 0 and 1 and check their rules;
// work out the header's full length (2, 4 or 10, plus 4 if masked); need_more until it is all there.
HeaderResult decode_frame_header([[maybe_unused]] std::span<const std::uint8_t> bytes) {
  HeaderResult result;
  result.status = DecodeStatus::invalid;
  result.error = "decode_frame_header is not written yet";
  return result;
}

// TODO(lab 2, task 4): keep the bytes.
void FrameReader::feed([[maybe_unused]] std::span<const std::uint8_t> bytes) {}

// TODO(lab 2, task 4): decode the header of the unread bytes; wait for its whole payload; hand the
// frame out and forget its bytes. Once invalid or too_big, stay so.
FrameResult FrameReader::next() {
  FrameResult result;
  result.status = DecodeStatus::invalid;
  result.error = "FrameReader::next is not written yet";
  return result;
}

}  // namespace ws
