// harness.cpp: main() of every grader binary that wirelab-grade links. It lists the GRADED_TESTs,
// runs each in a forked child with a time limit (a crash or hang fails that test, not the grader),
// prints the transcript (a line per test; for a failure its steps, expected vs actual, a hint and a
// re-run command; `Lab N: score/max` last) and writes Gradescope's results.json with --json.
#include "harness_internal.h"
#include "report.h"

#include "grade/grade.h"

#include <nlohmann/json.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace grade {
namespace {

struct Options {
  int primary = 0;          // the lab being graded (earlier labs are regression); 0 = every lab counts
  std::string json_path;    // --json: where results.json goes
  std::string only;         // --only Suite.Name (or Suite)
  std::string rerun = "wirelab-grade";
  std::string hints_path;   // --hints: where each test's default hint goes (for tests/labs/check_grader.py)
  bool verbose = false;
  std::map<int, std::string> titles;
  std::map<int, int> timeout_ms;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "grader: %s\nusage: grader [--primary N] [--json FILE] [--only Suite.Name] [-v] "
                       "[--seed S] [--rerun CMD] [--title N=TEXT] [--timeout N=MS] [--hints FILE]\n", why);
  std::exit(2);
}

std::pair<int, std::string> split_lab_value(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos) usage("expected N=VALUE");
  return {std::atoi(arg.substr(0, eq).c_str()), arg.substr(eq + 1)};
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--primary") o.primary = std::atoi(value().c_str());
    else if (a == "--json") o.json_path = value();
    else if (a == "--only") o.only = value();
    else if (a == "--seed") set_seed(std::strtoull(value().c_str(), nullptr, 10));
    else if (a == "--rerun") o.rerun = value();
    else if (a == "--hints") o.hints_path = value();
    else if (a == "-v" || a == "--verbose") o.verbose = true;
    else if (a == "--title") o.titles.insert(split_lab_value(value()));
    else if (a == "--timeout") {
      auto [lab, ms] = split_lab_value(value());
      o.timeout_ms[lab] = std::atoi(ms.c_str());
    } else usage(("unknown option " + a).c_str());
  }
  return o;
}

struct Planned {
  int lab = 0;
  std::string full_name;
  int points = 0;
  std::string hint;
};

std::vector<Planned> plan(const Options& o) {
  std::vector<Planned> tests;
  auto* unit = testing::UnitTest::GetInstance();
  for (int s = 0; s < unit->total_test_suite_count(); ++s) {
    const auto* suite = unit->GetTestSuite(s);
    for (int t = 0; t < suite->total_test_count(); ++t) {
      std::string name = std::string(suite->name()) + "." + suite->GetTestInfo(t)->name();
      if (!o.only.empty() && name != o.only && name.rfind(o.only + ".", 0) != 0) continue;
      const TestMeta* meta = find_meta(name);
      Planned p;
      p.full_name = name;
      if (meta) {
        p.lab = meta->lab;
        p.points = meta->points;
        p.hint = meta->hint;
      }
      tests.push_back(p);
    }
  }
  std::stable_sort(tests.begin(), tests.end(), [](const Planned& a, const Planned& b) { return a.lab < b.lab; });
  return tests;
}

// {"Suite.Name": {"lab": N, "points": P, "hint": "..."}} for the planned tests: what a failure prints
// when the test gives no symptom of its own. A planted bug's checker needs it to tell the two apart.
bool write_hints(const std::string& path, const std::vector<Planned>& tests) {
  nlohmann::json doc = nlohmann::json::object();
  for (const Planned& t : tests) doc[t.full_name] = {{"lab", t.lab}, {"points", t.points}, {"hint", t.hint}};
  std::ofstream out(path);
  out << doc.dump(2) << "\n";
  if (!out) std::fprintf(stderr, "grader: cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

// Runs one test in a child; returns its raw output and how it ended.
ChildRun run_in_child(const std::string& full_name, int timeout_ms) {
  ChildRun run;
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("grader: pipe");
    std::exit(2);
  }
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("grader: fork");
    std::exit(2);
  }
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    alarm(static_cast<unsigned>(timeout_ms / 1000 + 1));  // the parent's deadline is the real one
    GTEST_FLAG_SET(filter, full_name);
    int rc = RUN_ALL_TESTS();
    std::fflush(nullptr);
    _exit(rc == 0 ? 0 : 1);  // _exit: no leak check or atexit handlers for student code
  }
  close(fds[1]);
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
  constexpr std::size_t kMaxOutput = 1024 * 1024;  // a student printing in a loop cannot fill memory
  char buf[4096];
  bool eof = false;
  while (!eof) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) {
      run.timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;  // timeout is checked at the top
    ssize_t got = read(fds[0], buf, sizeof buf);
    if (got <= 0) {
      eof = true;
    } else if (run.output.size() < kMaxOutput) {
      run.output.append(buf, static_cast<std::size_t>(got));
    }
  }
  close(fds[0]);
  // After EOF the child is exiting; still bounded: kill it once the deadline passes.
  int status = 0;
  if (run.timed_out) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  } else {
    for (;;) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid || (w < 0 && errno != EINTR)) break;
      if (clock::now() >= deadline) {
        run.timed_out = true;
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      timespec pause{0, 2'000'000};
      nanosleep(&pause, nullptr);
    }
  }
  if (WIFSIGNALED(status)) {
    run.signal = WTERMSIG(status);
    if (run.signal == SIGALRM || run.signal == SIGKILL) run.timed_out = true;
  } else if (WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
  }
  return run;
}

}  // namespace
}  // namespace grade

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  grade::Options o = grade::parse_options(argc, argv);
  grade::install_child_reporter();
  std::vector<grade::Planned> tests = grade::plan(o);
  if (tests.empty()) {
    std::fprintf(stderr, "grader: no test matches%s%s\n", o.only.empty() ? "" : " --only ", o.only.c_str());
    return 2;
  }
  if (!o.hints_path.empty() && !grade::write_hints(o.hints_path, tests)) return 2;
  int last_lab = tests.back().lab;
  grade::Report report(o.primary, o.verbose, o.rerun);
  int current = -1;
  for (const auto& t : tests) {
    if (t.lab != current) {
      if (current != -1) report.end_lab(current);
      current = t.lab;
      auto title = o.titles.count(t.lab) ? o.titles[t.lab] : std::string();
      report.begin_lab(t.lab, title);
    }
    int timeout = o.timeout_ms.count(t.lab) ? o.timeout_ms[t.lab] : 5000;
    grade::ChildRun run = grade::run_in_child(t.full_name, timeout);
    report.add(grade::TestInfo{t.lab, t.full_name, t.points, t.hint, timeout}, run);
  }
  report.end_lab(last_lab);
  report.finish();
  if (!o.json_path.empty() && !report.write_json(o.json_path)) return 2;
  return report.full_marks() ? 0 : 1;
}
