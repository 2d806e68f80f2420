// report.h: turns the raw output of each test's child into the transcript a student reads and into
// Gradescope's results.json. One Report per grader run.
#pragma once

#include <string>
#include <vector>

namespace grade {

// How one child ended, and everything it wrote.
struct ChildRun {
  std::string output;     // marker lines (harness_internal.h) mixed with the student's own output
  int exit_code = 0;
  int signal = 0;         // nonzero if the child died of a signal
  bool timed_out = false;
};

struct TestInfo {
  int lab = 0;
  std::string full_name;  // "Suite.Name"
  int points = 0;
  std::string hint;       // the default hint
  int timeout_ms = 0;
};

class Report {
 public:
  Report(int primary, bool verbose, std::string rerun);
  void begin_lab(int lab, const std::string& title);
  void add(const TestInfo& test, const ChildRun& run);
  void end_lab(int lab);
  void finish();                                   // prints the total when every lab counts
  bool write_json(const std::string& path) const;  // Gradescope's results.json
  bool full_marks() const { return score_ == max_; }

 private:
  struct Result {
    TestInfo test;
    bool passed = false;
    bool counts = true;   // false for a regression run of an earlier lab
    std::string output;   // the test's transcript (what the student sees under the test line)
  };
  bool counts(int lab) const { return primary_ == 0 || lab == primary_; }

  static constexpr int kDetailed = 3;  // failed tests shown with their steps; later ones get one hint line
  int failed_ = 0;
  int hidden_in_lab_ = 0;
  int primary_;
  bool verbose_;
  std::string rerun_;
  std::vector<Result> results_;
  int lab_score_ = 0, lab_max_ = 0;
  int score_ = 0, max_ = 0;
  std::string last_line_;
};

}  // namespace grade
