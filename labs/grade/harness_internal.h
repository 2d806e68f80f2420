// harness_internal.h: shared between the harness's parent side (harness.cpp) and child side
// (harness_child.cpp). Lab graders never include this; they use grade/grade.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace grade {

struct TestMeta {
  int lab = 0;
  int points = 0;
  std::string hint;
};

// Kinds of the marker lines a child writes ("\x1f<kind> text").
inline constexpr char kStep = 's';
inline constexpr char kWire = 'w';  // "> ..." / "< ..." lines, shown under the step before them
inline constexpr char kOk = 'o';
inline constexpr char kDoing = 'd';  // what runs now: shown only if the test crashes or hangs right after
inline constexpr char kFail = 'f';
inline constexpr char kHint = 'h';

const TestMeta* find_meta(const std::string& full_name);
void set_seed(std::uint64_t seed);
void emit(char kind, std::string_view text);
void install_child_reporter();

}  // namespace grade
