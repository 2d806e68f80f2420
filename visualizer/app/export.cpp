// Saving what the model holds as a capture file (JSON lines, hello first),
// and exporting it as pcapng through wire (docs/mirror-protocol.md). Written
// only when the presenter asks (S or E); the path is shown on screen.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "app/shell.h"
#include "wire/capture.h"
#include "wire/pcapng.h"

namespace viz {
namespace {
std::string stamped_path(const char* ext) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&now, &tm);
  char name[64];
  std::strftime(name, sizeof name, "wirelab-%Y%m%d-%H%M%S", &tm);
  std::error_code ec;
  return (std::filesystem::current_path(ec) / (std::string(name) + ext)).string();
}
}  // namespace

std::vector<wire::Event> Shell::events_for_export() const {
  std::vector<wire::Event> events;
  events.reserve(model_.size() + 1);
  // A capture starts with hello (docs/mirror-protocol.md): the feed's own, or a minimal one.
  wire::Event hello;
  hello.body = model_.hello() ? *model_.hello() : wire::Hello{};
  if (!model_.empty()) {
    hello.seq = model_.at(0).seq();
    hello.t_us = model_.at(0).event.t_us;
  }
  events.push_back(std::move(hello));
  for (std::size_t i = 0; i < model_.size(); ++i) {
    if (std::holds_alternative<wire::Hello>(model_.at(i).event.body)) continue;
    events.push_back(model_.at(i).event);
  }
  return events;
}

bool Shell::save_capture_to(const std::string& path, std::string& error) const {
  std::ofstream out(path);
  if (out) wire::write_capture(out, events_for_export());
  if (!out) {
    error = "could not write " + path;
    return false;
  }
  return true;
}

bool Shell::export_pcapng_to(const std::string& path, std::string& error) const {
  auto written = wire::write_pcapng_file(path, events_for_export());
  if (!written) {
    error = written.error().reason;
    return false;
  }
  return true;
}

void Shell::save_capture() {
  const std::string path = stamped_path(".jsonl");
  std::string error;
  if (save_capture_to(path, error)) toast("capture saved: " + path);
  else toast(error, true);
}

void Shell::export_pcapng() {
  const std::string path = stamped_path(".pcapng");
  std::string error;
  if (export_pcapng_to(path, error)) toast("pcapng written: " + path);
  else toast(error, true);
}

}  // namespace viz
