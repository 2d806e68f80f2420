// report.cpp: the transcript and results.json. A failed test shows every failed check (up to
// kShownFailures) with the steps that led to it (at most the last 6 before each), expected vs actual,
// how it crashed or timed out, one hint and a re-run command.
#include "report.h"

#include "harness_internal.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace grade {
namespace {

struct Event {
  char kind = 'x';  // kStep, kOk, kFail, kHint, or 'x' for a line the student's code (or a sanitizer) printed
  std::string text;
};

std::vector<Event> parse(const std::string& output) {
  std::vector<Event> events;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    Event e;
    if (line.size() >= 3 && line[0] == '\x1f') {
      e.kind = line[1];
      for (char c : line.substr(3)) e.text += (c == '\x1e') ? '\n' : c;
    } else {
      e.text = line;
    }
    events.push_back(e);
  }
  return events;
}

// Indents every line after the first by `pad` spaces.
std::string indent_rest(const std::string& text, const std::string& pad) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

bool is_sanitizer_line(const std::string& l) {
  return l.find("ERROR: AddressSanitizer") != std::string::npos || l.find("runtime error:") != std::string::npos;
}

// The few lines of a sanitizer report a student needs: what happened and where (the first stack's
// top frames), without addresses, shadow bytes or the allocation's stack.
std::vector<std::string> sanitizer_excerpt(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  int stacks = 0, frames = 0;
  for (const std::string& l : lines) {
    if (auto at = l.find("AddressSanitizer: "); at != std::string::npos && l.find("ERROR") != std::string::npos) {
      std::string what = l.substr(at);
      out.push_back(what.substr(0, what.find(" on address")));
    } else if (l.find("runtime error:") != std::string::npos) {
      out.push_back(l);
    } else if (l.rfind("READ of size", 0) == 0 || l.rfind("WRITE of size", 0) == 0) {
      out.push_back(l.substr(0, l.find(" at 0x")));
    } else if (auto hash = l.find('#'); hash != std::string::npos && l.find_first_not_of(' ') == hash) {
      if (l.compare(hash, 3, "#0 ") == 0) ++stacks;
      auto in = l.find(" in ");
      if (stacks == 1 && frames < 3 && in != std::string::npos) {
        out.push_back("  at " + l.substr(in + 4));
        ++frames;
      }
    }
  }
  return out;
}

// "1 earlier step", "3 earlier steps".
std::string plural(int n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

// Every failed check of a test is shown, up to this many: enough for any test that fails for one
// reason; past it the same mistake is repeating, and -v shows the rest.
constexpr int kShownFailures = 20;

struct Rendered {
  bool passed = false;
  std::vector<std::string> lines;  // steps, failures, how it crashed
  std::string hint;                // "hint: ..." (failed tests only)
  std::string rerun;               // "re-run: ..." (failed tests only)
};

Rendered render(const TestInfo& t, const ChildRun& run, bool verbose, const std::string& rerun) {
  Rendered r;
  std::vector<Event> events = parse(run.output);
  int failures = 0;
  std::string hint, doing;
  std::vector<std::string> pending, others;
  int step_no = 0, skipped = 0;
  auto is_step = [](const std::string& line) { return !line.empty() && line[0] >= '0' && line[0] <= '9'; };
  auto keep = [&](std::string line) {
    pending.push_back(std::move(line));
    if (!verbose && pending.size() > 6) {
      // Drop the oldest step with the ✓ lines under it, so that what is shown starts at a step.
      do {
        skipped += is_step(pending.front()) ? 1 : 0;
        pending.erase(pending.begin());
      } while (!pending.empty() && !is_step(pending.front()));
    }
  };
  auto flush = [&]() {
    if (skipped > 0) r.lines.push_back("… " + plural(skipped, "earlier step") + " not shown (all with -v)");
    for (auto& l : pending) r.lines.push_back(l);
    pending.clear();
    skipped = 0;
  };
  for (const Event& e : events) {
    if (e.kind == kStep || e.kind == kOk || e.kind == kFail) doing.clear();
    if (e.kind == kStep) {
      keep(std::to_string(++step_no) + ". " + indent_rest(e.text, "   "));
    } else if (e.kind == kWire) {
      std::string text = "   " + indent_rest(e.text, "   ");
      if (!pending.empty()) pending.back() += "\n" + text;  // belongs to the step before it
      else keep(text);
    } else if (e.kind == kOk) {
      keep("✓ " + indent_rest(e.text, "  "));
    } else if (e.kind == kFail) {
      if (++failures <= kShownFailures || verbose) {
        flush();
        r.lines.push_back("✗ " + indent_rest(e.text, "  "));
      }
      pending.clear();
      skipped = 0;
    } else if (e.kind == kDoing) {
      doing = "(running) " + e.text;
    } else if (e.kind == kHint) {
      if (hint.empty()) hint = e.text;
    } else {
      others.push_back(e.text);
    }
  }
  if (failures > kShownFailures && !verbose) {
    r.lines.push_back("✗ " + plural(failures - kShownFailures, "more failed check") + " not shown (all with -v)");
  }

  bool sanitizer = false;
  for (auto& l : others) sanitizer = sanitizer || is_sanitizer_line(l);
  std::string ending;
  if (run.timed_out) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", t.timeout_ms / 1000.0);
    ending = std::string("✗ timed out after ") + seconds + " s (an endless loop? waiting for bytes that never come?)";
  } else if (run.signal != 0) {
    ending = std::string("✗ crashed: ") + strsignal(run.signal);
    if (run.signal == SIGABRT) ending += " (an uncaught exception, or a failed assert?)";
  } else if (sanitizer) {
    ending = "✗ crashed: the sanitizer caught a memory error or undefined behaviour in your code";
  } else if (run.exit_code != 0 && failures == 0) {
    ending = "✗ the program exited with code " + std::to_string(run.exit_code) + " during the test";
  }
  r.passed = failures == 0 && ending.empty() && run.exit_code == 0;
  if (r.passed && !verbose) return r;
  if (!ending.empty()) {
    if (!doing.empty()) keep(doing);
    flush();  // the steps that ran just before the crash
    r.lines.push_back(ending);
    std::vector<std::string> detail = sanitizer ? sanitizer_excerpt(others) : others;
    if (!sanitizer && !detail.empty()) r.lines.push_back("  your code printed:");
    for (std::size_t i = 0; i < detail.size() && i < 8; ++i) r.lines.push_back("  | " + detail[i]);
  } else if (verbose) {
    flush();
  }
  if (!r.passed) {
    // How it ended comes first in the hint: a hang or a memory error is its own diagnosis, whatever the test.
    std::string lead;
    if (run.timed_out) {
      lead = "It timed out: a loop that never ends, or a wait for bytes that never come (the last step above "
             "is where). ";
    } else if (sanitizer) {
      lead = "The sanitizer stopped your code where \"at\" above says: a read or write outside a buffer, or "
             "undefined behaviour. ";
    } else if (run.signal != 0) {
      lead = std::string("It crashed (") + strsignal(run.signal) + ") after the last step above. ";
    }
    r.hint = "hint: " + indent_rest(lead + (hint.empty() ? t.hint : hint), "      ");
    r.rerun = "re-run: " + rerun + " --only " + t.full_name;
  }
  return r;
}

std::string join(const std::vector<std::string>& lines, const std::string& pad) {
  std::string out;
  for (auto& l : lines) out += pad + indent_rest(l, pad) + "\n";
  return out;
}

}  // namespace

Report::Report(int primary, bool verbose, std::string rerun)
    : primary_(primary), verbose_(verbose), rerun_(std::move(rerun)) {}

void Report::begin_lab(int lab, const std::string& title) {
  lab_score_ = lab_max_ = 0;
  std::printf("\nLab %d%s%s%s\n", lab, title.empty() ? "" : ": ", title.c_str(),
              counts(lab) ? "" : " (regression: your earlier lab, re-checked)");
  std::fflush(stdout);
}

void Report::add(const TestInfo& test, const ChildRun& run) {
  Rendered r = render(test, run, verbose_, rerun_);
  std::vector<std::string> full = r.lines;
  if (!r.passed) {
    full.push_back(r.hint);
    full.push_back(r.rerun);
  }
  Result result{test, r.passed, counts(test.lab), join(full, "")};
  int earned = r.passed ? test.points : 0;
  lab_score_ += earned;
  lab_max_ += test.points;
  std::string name = test.full_name;
  if (name.size() < 44) name.append(44 - name.size(), ' ');
  std::printf("  %s %s %d/%d\n", r.passed ? "✓" : "✗", name.c_str(), earned, test.points);
  if (r.passed || verbose_ || ++failed_ <= kDetailed) {
    std::fputs(join(full, "      ").c_str(), stdout);
  } else {
    std::fputs(join({r.hint}, "      ").c_str(), stdout);  // one line: the details of the first failures come first
    ++hidden_in_lab_;
  }
  std::fflush(stdout);
  results_.push_back(std::move(result));
}

void Report::end_lab(int lab) {
  if (hidden_in_lab_ > 0) {
    std::printf("  (steps are shown for the first %d failed tests; see the others with the re-run command "
                "and --only Suite.Name, or all with -v)\n", kDetailed);
    hidden_in_lab_ = 0;
  }
  char line[96];
  std::snprintf(line, sizeof line, "Lab %d%s: %d/%d", lab, counts(lab) ? "" : " (regression)", lab_score_, lab_max_);
  if (counts(lab)) {
    score_ += lab_score_;
    max_ += lab_max_;
  }
  last_line_ = line;
  std::printf("%s\n", line);
  std::fflush(stdout);
}

void Report::finish() {
  if (primary_ != 0) return;
  char line[64];
  std::snprintf(line, sizeof line, "All labs: %d/%d", score_, max_);
  last_line_ = line;
  std::printf("\n%s\n", line);
}

bool Report::write_json(const std::string& path) const {
  nlohmann::json tests = nlohmann::json::array();
  for (const Result& r : results_) {
    int max = r.counts ? r.test.points : 0;  // a regression check is shown but scored in its own lab
    std::string prefix = "Lab " + std::to_string(r.test.lab) + (r.counts ? "" : " (regression)") + " · ";
    tests.push_back({{"name", prefix + r.test.full_name},
                     {"score", r.passed ? max : 0},
                     {"max_score", max},
                     {"status", r.passed ? "passed" : "failed"},
                     {"output", r.output},
                     {"visibility", "visible"}});
  }
  nlohmann::json doc = {{"score", score_},
                        {"output", last_line_},
                        {"visibility", "visible"},
                        {"stdout_visibility", "visible"},
                        {"tests", tests}};
  std::ofstream out(path);
  out << doc.dump(2) << "\n";
  if (!out) {
    std::fprintf(stderr, "grader: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace grade
