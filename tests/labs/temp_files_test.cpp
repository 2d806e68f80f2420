// grade::temp_dir and grade::run_python (labs/grade/temp_files.cpp): the graders' scratch files go where
// $TMPDIR says, and a folder that cannot be made is a failed test with its reason, not a crash. Lab 5-7
// graders once used fixed "/tmp/...-XXXXXX" templates and built a std::string from mkdtemp's result
// unchecked: a null pointer when /tmp was not writable.
#include <grade/grade.h>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const std::string& value) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    setenv("TMPDIR", value.c_str(), 1);
  }
  ~ScopedTmpdir() { old_.empty() ? unsetenv("TMPDIR") : setenv("TMPDIR", old_.c_str(), 1); }
  ScopedTmpdir(const ScopedTmpdir&) = delete;
  ScopedTmpdir& operator=(const ScopedTmpdir&) = delete;

 private:
  std::string old_;
};

std::string make_outer() {
  const char* base = std::getenv("TMPDIR");
  std::string path = std::string(base && *base ? base : "/tmp") + "/temp-files-test-XXXXXX";
  return mkdtemp(path.data()) ? path : "";
}

TEST(GradeTempDir, IsMadeUnderTmpdir) {
  std::string outer = make_outer();
  ASSERT_FALSE(outer.empty());
  {
    ScopedTmpdir tmpdir(outer);
    std::optional<std::string> dir = grade::temp_dir("wirelab-web");
    ASSERT_TRUE(dir.has_value());
    EXPECT_EQ(outer + "/wirelab-web-", dir->substr(0, outer.size() + 13)) << "made at " << *dir;
    EXPECT_EQ(0, access(dir->c_str(), W_OK)) << *dir << " is not a writable folder";
    rmdir(dir->c_str());
  }
  rmdir(outer.c_str());
}

TEST(GradeTempDir, AFolderThatCannotBeMadeFailsTheTestWithTheReason) {
  ScopedTmpdir tmpdir("/nonexistent-wirelab-tmpdir");
  std::optional<std::string> dir;
  EXPECT_NONFATAL_FAILURE(dir = grade::temp_dir("wirelab-web"), "set TMPDIR to a folder you can write to");
  EXPECT_FALSE(dir.has_value());
}

TEST(GradeRunPython, GivesOutputAndExitCodeAndLeavesNoScript) {
  std::string outer = make_outer();
  ASSERT_FALSE(outer.empty());
  {
    ScopedTmpdir tmpdir(outer);
    std::optional<grade::PythonRun> run = grade::run_python("import sys\nprint('args', sys.argv[1:])\nsys.exit(3)\n", "a b");
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ("args ['a', 'b']\n", run->output);
    EXPECT_EQ(3, run->exit_code);
  }
  EXPECT_EQ(0, rmdir(outer.c_str())) << "the script was left behind in " << outer;
}

TEST(GradeRunPython, AScriptThatCannotBeWrittenFailsTheTestWithTheReason) {
  ScopedTmpdir tmpdir("/nonexistent-wirelab-tmpdir");
  std::optional<grade::PythonRun> run;
  EXPECT_NONFATAL_FAILURE(run = grade::run_python("print('hi')\n", ""), "set TMPDIR to a folder you can write to");
  EXPECT_FALSE(run.has_value());
}

}  // namespace
