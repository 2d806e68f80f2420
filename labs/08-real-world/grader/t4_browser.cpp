// Lab 8 grader, task 7: the final check. Two headless Chromium pages load the project's browser client
// (web/) from your server and chat through it over WebSocket, then over long-polling (?transport=poll), then
// against your server with refuse_upgrades, where the WebSocket page must fall back to long-polling.
// browser_check.py (labs/grade/, the same check as lab 6's) drives the pages; wirelab-grade tells this test
// where it and web/ are (WIRELAB_BROWSER_CHECK, WIRELAB_WEB), unless --no-browser.
#include "survive_client.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

extern char** environ;

using namespace lab8;

namespace {

// Runs `argv` (python) and waits for it, at most `wait`; false if it could not start or did not end in time.
bool run_and_wait(std::vector<std::string> argv, Ms wait) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return false;
  auto deadline = Clock::now() + wait;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      kill(pid, SIGTERM);  // the check kills chromium on its way out
      waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(Ms(50));  // polling a child's exit, bounded by the deadline
  }
  return true;
}

}  // namespace

GRADED_TEST(Final, Browsers, 4,
            "The browser client on your server: over WebSocket, over long-polling (?transport=poll), and falling back "
            "to long-polling when your server refuses upgrades. The failed step says what the pages showed.") {
  const char* check = std::getenv("WIRELAB_BROWSER_CHECK");
  const char* web = std::getenv("WIRELAB_WEB");
  if (!check || !web) {
    grade::step("not run: wirelab-grade was given --no-browser (or this grader was run without wirelab-grade)");
    grade::symptom("Run the check: wirelab-grade 8 --only Final (without --no-browser).");
    ADD_FAILURE() << "the browser check did not run";
    return;
  }
  ws::SurviveOptions o = options(30000, 10000, 10000);
  o.poll.hold_ms = 25000;  // as the relay: the page re-polls after every answer
  o.poll.chat.web_dir = web;
  SurviveServer plain(o);
  o.refuse_upgrades = true;
  SurviveServer refusing(o);
  std::optional<std::string> made = grade::temp_dir("wirelab-lab8");
  if (!made) return;
  const std::string& dir = *made;
  std::string result = dir + "/browser.json";
  grade::step("your server (and a second one with refuse_upgrades) serve web/; chromium opens the pages");
  bool ended = run_and_wait({"/usr/bin/python3", check, "--lab8", "--url", "http://127.0.0.1:" + std::to_string(plain.port()),
                             "--refusing-url", "http://127.0.0.1:" + std::to_string(refusing.port()), "--result", result,
                             "--quiet"},
                            Ms(40000));
  std::ifstream in(result);
  json r = json::parse(in, nullptr, false);
  std::filesystem::remove_all(dir);
  if (!ended || !r.is_object()) {
    ADD_FAILURE() << "the browser check ended without a result" << (ended ? "" : " (it ran past 40 s)");
    return;
  }
  for (const auto& line : r.value("lines", json::array())) grade::step(line.get<std::string>());
  std::string status = r.value("status", "");
  if (status == "not run") {
    grade::symptom(r.value("hint", "chromium was not found: sudo apt install chromium"));
    ADD_FAILURE() << "the browser check could not run";
  } else if (status != "passed") {
    grade::symptom(r.value("hint", ""));
    ADD_FAILURE() << "failed at: " << r.value("failed_step", "?");
  }
}
