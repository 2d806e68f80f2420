// grade.h: the tiny harness every lab grader uses (GoogleTest underneath).
// A GRADED_TEST is a TEST with points and a hint. The harness's main (harness.cpp) runs each test in a
// forked child with a time limit, so a crash or hang in student code fails that test, not the grader.
// See labs/FRAMEWORK.md for how a lab grader is written.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#ifndef GRADE_LAB
#error "compile lab graders with -DGRADE_LAB=N (labs/CMakeLists.txt and wirelab-grade do)"
#endif

namespace grade {

// Registers points and a default hint for the test "suite.name" of lab `lab`; always returns true.
bool register_test(int lab, const char* suite, const char* name, int points, const char* hint);

// Bytes as text: printable ASCII as is, \r \n \t \\ escaped, everything else \xNN; cut after `limit` bytes with "…".
std::string escape(std::string_view bytes, std::size_t limit = 64);
std::string escape(std::span<const std::uint8_t> bytes, std::size_t limit = 64);
// Every byte as \xNN (for binary data such as frame headers); cut after `limit` bytes with "…".
std::string hex(std::span<const std::uint8_t> bytes, std::size_t limit = 64);
// One byte as "0x81".
std::string hex_byte(std::uint8_t byte);

void step(std::string_view text);                 // a numbered step of the transcript
void sent(std::string_view bytes);                // "> bytes" (what the grader gave the student's code)
void got(std::string_view bytes);                 // "< bytes" (what came back)
void sent(std::span<const std::uint8_t> bytes);   // the same for binary data: every byte as \xNN
void got(std::span<const std::uint8_t> bytes);
void ok(std::string_view text);                   // "✓ text" (shown with -v)
// "✓ what: value" when the value is short enough for one line, else "✓ what: as expected". Naming the
// value keeps a line like "✓ masked" from reading as its opposite ("✓ masked: false").
void ok_is(std::string_view what, std::string_view value);
void doing(std::string_view text);                // what runs now: shown only if it crashes or hangs
void symptom(std::string_view hint);              // a hint for what was just seen; replaces the default hint
std::mt19937_64& rng();                           // fixed seed + the test's name: deterministic per test

// A new private folder $TMPDIR/prefix-XXXXXX ($TMPDIR unset: /tmp). If it cannot be made, the test
// fails saying why and this returns nothing.
std::optional<std::string> temp_dir(std::string_view prefix);
// Runs `script` with /usr/bin/python3 (it is written to a temporary file, removed afterwards) and the
// given arguments; returns what it printed (stdout and stderr) and its exit code (-1: killed or not
// run). Nothing, after a failure saying why, if python3 is missing or the file cannot be written.
struct PythonRun {
  std::string output;
  int exit_code;
};
std::optional<PythonRun> run_python(std::string_view script, std::string_view args);

// How values are printed in "expected X, actual Y". Add `std::string describe(const T&)` in T's namespace.
template <class T>
std::string show(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return "\"" + escape(std::string_view(v)) + "\"";
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return hex_byte(v);  // a byte of a frame reads as 0x81, never as 129
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else if constexpr (std::is_convertible_v<const T&, std::span<const std::uint8_t>>) {
    return "\"" + hex(std::span<const std::uint8_t>(v)) + "\"";
  } else {
    return describe(v);  // found by ADL in the lab's namespace
  }
}

// Where two byte strings first differ, as " (first difference at byte N)", or "" if one is a prefix.
std::string first_difference(std::string_view expected, std::string_view actual);
std::string first_difference(std::span<const std::uint8_t> expected, std::span<const std::uint8_t> actual);

template <class E, class A>
std::string mismatch(std::string_view what, const E& expected, const A& actual) {
  std::string text = std::string(what) + "\n    expected: " + show(expected) + "\n    actual:   " + show(actual);
  if constexpr (std::is_convertible_v<const E&, std::string_view> && std::is_convertible_v<const A&, std::string_view>) {
    text += first_difference(std::string_view(expected), std::string_view(actual));
  } else if constexpr (std::is_convertible_v<const E&, std::span<const std::uint8_t>> &&
                       std::is_convertible_v<const A&, std::span<const std::uint8_t>>) {
    text += first_difference(std::span<const std::uint8_t>(expected), std::span<const std::uint8_t>(actual));
  }
  return text;
}

}  // namespace grade

#define GRADE_CONCAT_INNER(a, b) a##b
#define GRADE_CONCAT(a, b) GRADE_CONCAT_INNER(a, b)

// GRADED_TEST(Suite, Name, points, "hint naming the likely bug and its RFC section") { ...body... }
#define GRADED_TEST(suite, name, points, hint)                                                        \
  static const bool GRADE_CONCAT(grade_registered_, GRADE_CONCAT(suite, GRADE_CONCAT(_, name))) =   \
      ::grade::register_test(GRADE_LAB, #suite, #name, points, hint);                                 \
  TEST(suite, name)

// On mismatch: a failure "what\n expected: X\n actual: Y" through gtest's ON_FAIL
// (ADD_FAILURE goes on, GTEST_FAIL returns from the test); on a match: a ✓ line.
#define GRADE_CHECK_EQ_(what, expected, actual, ON_FAIL)                      \
  do {                                                                        \
    const auto& grade_e_ = (expected);                                        \
    const auto& grade_a_ = (actual);                                          \
    if (grade_e_ == grade_a_) {                                               \
      ::grade::ok_is(what, ::grade::show(grade_a_));                          \
    } else {                                                                  \
      ON_FAIL() << ::grade::mismatch(what, grade_e_, grade_a_);               \
    }                                                                         \
  } while (false)

#define GRADE_EXPECT_EQ(what, expected, actual) GRADE_CHECK_EQ_(what, expected, actual, ADD_FAILURE)
// Like GRADE_EXPECT_EQ, but returns from the test on mismatch.
#define GRADE_ASSERT_EQ(what, expected, actual) GRADE_CHECK_EQ_(what, expected, actual, GTEST_FAIL)
