// Lab 2 grader support: how lab 2's values print, the grader's own header bytes (built field by
// field, to compare yours with), random frames, and hints for known symptoms.
#pragma once

#include "describe.h"
#include "frame.h"
#include "grade/grade.h"

#include <string>
#include <vector>

namespace lab2 {

using Bytes = std::vector<std::uint8_t>;

ws::FrameHeader header(ws::Opcode op, std::uint64_t len, bool fin = true);
ws::FrameHeader masked(ws::FrameHeader h, std::array<std::uint8_t, 4> key = {0x37, 0xfa, 0x21, 0x3d});
Bytes expected_bytes(const ws::FrameHeader& h);  // the header as RFC 6455 5.2 lays it out
ws::FrameHeader random_header(bool valid_only = true);
Bytes random_bytes(std::size_t n);
std::uint64_t random_len();  // spread over all three length forms and their edges

// encode_frame_header(h), as a step of the transcript, with hints for known wrong answers.
Bytes encode(const ws::FrameHeader& h);
// decode_frame_header on a copy of `bytes` in a buffer of exactly that size (reading past its end is caught).
ws::HeaderResult decode(const Bytes& bytes, bool show = true);

}  // namespace lab2
