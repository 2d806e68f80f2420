// harness_child.cpp: what runs inside the forked child that executes ONE graded test.
// Everything the child reports goes to its stdout (a pipe to the parent) as one line per event,
// "\x1f<kind> <text>" with newlines inside the text sent as \x1e. Lines without the marker are the
// student's own prints or a sanitizer's report; the parent sorts them out (harness.cpp).
#include "harness_internal.h"

#include "grade/grade.h"

#include <cstdio>
#include <functional>
#include <map>

namespace grade {
namespace {

std::map<std::string, TestMeta>& registry() {
  static std::map<std::string, TestMeta> tests;  // "Suite.Name" -> points and hint; filled at static init
  return tests;
}

std::uint64_t& base_seed() {
  static std::uint64_t seed = 20261126;
  return seed;
}

std::mt19937_64& current_rng() {
  static std::mt19937_64 engine;
  return engine;
}

}  // namespace

bool register_test(int lab, const char* suite, const char* name, int points, const char* hint) {
  registry()[std::string(suite) + "." + name] = TestMeta{lab, points, hint};
  return true;
}

const TestMeta* find_meta(const std::string& full_name) {
  auto it = registry().find(full_name);
  return it == registry().end() ? nullptr : &it->second;
}

void set_seed(std::uint64_t seed) { base_seed() = seed; }

void reseed_for(const std::string& full_name) {
  current_rng().seed(base_seed() ^ std::hash<std::string>{}(full_name));
}

std::mt19937_64& rng() { return current_rng(); }

void emit(char kind, std::string_view text) {
  std::string line = "\x1f";
  line += kind;
  line += ' ';
  for (char c : text) line += (c == '\n') ? '\x1e' : c;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);  // a crash right after must not lose this line
}

void step(std::string_view text) { emit(kStep, text); }
// One "> " line per line of `bytes` (split after each \n, so an HTTP head reads line by line).
static std::string wire_lines(std::string_view prefix, std::string_view bytes) {
  std::string out;
  int lines = 0;
  while (!bytes.empty()) {
    if (++lines > 16) {
      out += std::string(prefix) + "… (" + std::to_string(bytes.size()) + " more bytes)\n";
      break;
    }
    std::size_t nl = bytes.find('\n');
    std::size_t len = nl == std::string_view::npos ? bytes.size() : nl + 1;
    out += std::string(prefix) + escape(bytes.substr(0, len)) + "\n";
    bytes.remove_prefix(len);
  }
  if (out.empty()) out = std::string(prefix) + "(no bytes)\n";
  out.pop_back();
  return out;
}

void sent(std::string_view bytes) { emit(kWire, wire_lines("> ", bytes)); }
void got(std::string_view bytes) { emit(kWire, wire_lines("< ", bytes)); }
void sent(std::span<const std::uint8_t> bytes) { emit(kWire, "> " + hex(bytes)); }
void got(std::span<const std::uint8_t> bytes) { emit(kWire, "< " + hex(bytes)); }
void ok(std::string_view text) { emit(kOk, text); }
void ok_is(std::string_view what, std::string_view value) {
  constexpr std::size_t kOneLine = 72;  // longer values (frames, heads) were printed by the step already
  std::string line(what);
  line += ": ";
  line += value.size() <= kOneLine && value.find('\n') == std::string_view::npos ? value : "as expected";
  emit(kOk, line);
}
void doing(std::string_view text) { emit(kDoing, text); }
void symptom(std::string_view hint) { emit(kHint, hint); }

std::string escape(std::string_view bytes, std::size_t limit) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  std::size_t n = 0;
  for (unsigned char c : bytes) {
    if (n++ == limit) {
      out += "…";
      break;
    }
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        }
    }
  }
  return out;
}

std::string escape(std::span<const std::uint8_t> bytes, std::size_t limit) {
  return escape(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), limit);
}

std::string hex(std::span<const std::uint8_t> bytes, std::size_t limit) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == limit) {
      out += "…";
      break;
    }
    out += "\\x";
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

std::string hex_byte(std::uint8_t byte) {
  static const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[byte >> 4] + digits[byte & 0xf];
}

std::string first_difference(std::string_view expected, std::string_view actual) {
  std::size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  if (i < expected.size() && i < actual.size()) return "\n    (first difference at byte " + std::to_string(i) + ")";
  if (expected.size() != actual.size()) {
    return "\n    (" + std::to_string(actual.size()) + " bytes instead of " + std::to_string(expected.size()) + ")";
  }
  return "";
}

std::string first_difference(std::span<const std::uint8_t> expected, std::span<const std::uint8_t> actual) {
  return first_difference(std::string_view(reinterpret_cast<const char*>(expected.data()), expected.size()),
                          std::string_view(reinterpret_cast<const char*>(actual.data()), actual.size()));
}

// Turns GoogleTest's events inside the child into marker lines.
class ChildReporter : public testing::EmptyTestEventListener {
  void OnTestStart(const testing::TestInfo& info) override {
    reseed_for(std::string(info.test_suite_name()) + "." + info.name());
  }
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::string_view message = result.message();
    if (message.rfind("Failed\n", 0) == 0) message.remove_prefix(7);  // GTEST_FAIL's prefix says nothing
    emit(kFail, message);
  }
};

void install_child_reporter() {
  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new ChildReporter);  // owned by GoogleTest from here on
}

}  // namespace grade
