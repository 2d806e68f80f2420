// temp_files.cpp: the graders' scratch files (a folder of web files, a python script), made where the
// system says temporary files go ($TMPDIR, else /tmp) and never assumed to exist: a failure to make one
// is a failed test that says why, not a crash in the grader.
#include <grade/grade.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace grade {
namespace {

std::string temp_root() {
  const char* dir = std::getenv("TMPDIR");
  return (dir && *dir) ? dir : "/tmp";
}

}  // namespace

std::optional<std::string> temp_dir(std::string_view prefix) {
  std::string path = temp_root() + "/" + std::string(prefix) + "-XXXXXX";
  if (mkdtemp(path.data()) == nullptr) {
    ADD_FAILURE() << "the grader could not make a folder " << path << ": " << std::strerror(errno)
                  << " (set TMPDIR to a folder you can write to)";
    return std::nullopt;
  }
  return path;
}

std::optional<PythonRun> run_python(std::string_view script, std::string_view args) {
  if (access("/usr/bin/python3", X_OK) != 0) {
    ADD_FAILURE() << "/usr/bin/python3 is missing (scripts/setup installs it with python3-websockets)";
    return std::nullopt;
  }
  std::string path = temp_root() + "/wirelab-py-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) {
    ADD_FAILURE() << "the grader could not make a file " << path << ": " << std::strerror(errno)
                  << " (set TMPDIR to a folder you can write to)";
    return std::nullopt;
  }
  bool written = write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
  close(fd);
  if (!written) {
    std::remove(path.c_str());
    ADD_FAILURE() << "the grader could not write its python script to " << path;
    return std::nullopt;
  }
  std::string cmd = "/usr/bin/python3 " + path + " " + std::string(args) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  PythonRun run{"", -1};
  char buf[512];
  while (p && std::fgets(buf, sizeof buf, p)) run.output += buf;
  int status = p ? pclose(p) : -1;
  std::remove(path.c_str());
  run.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace grade
