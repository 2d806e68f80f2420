// Command-line options of wirelab-visualizer (visualizer/README.md lists them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ui/theme.h"

namespace viz {

inline constexpr const char* kDefaultMirrorUrl = "ws://127.0.0.1:7682/mirror";

struct Options {
  std::string connect_url = kDefaultMirrorUrl;
  bool connect_given = false;            // --connect was passed explicitly
  std::string replay_file;               // --replay FILE
  std::string screenshot;                // --screenshot OUT.png: render and exit
  std::string scene = "conversation";    // --scene
  int frames = 60;                       // --frames N (screenshot/bench)
  std::optional<std::uint64_t> select;   // --select SEQ
  int width = 1920, height = 1080;       // --size WxH
  ThemeId theme = ThemeId::dark;         // --theme
  float scale = 1.0f;                    // --scale 1..3
  double speed = 1.0;                    // --speed 0.25..8 (replay)
  bool fullscreen = false;               // --fullscreen
  bool paused = false;                   // --paused: start in step mode
  std::string save_capture;               // --save-capture FILE: after loading, write what the model holds (headless too)
  std::string export_pcapng;             // --export-pcapng FILE: the same as pcapng through wire
  bool show_help = false;                // --show-help: start with the help overlay (slides, screenshots)
  std::size_t max_events = 200'000;      // --max-events
  std::string wait_for;                  // --wait-for CHAT_EVENT (live screenshot: e.g. "paired")
  double timeout_s = 30.0;               // --timeout: give up waiting (exit 3)
  double after_seconds = 0.0;            // --after-seconds S: with --screenshot, let S seconds of the feed pass first
  std::string follow;                    // --follow 4cba: follow "Stranger 4cba" (also what --wait-for waits for)
  bool report_clipped = false;           // --report-clipped: with --screenshot, list cut windows (exit 5 when any)
  std::vector<float> scales;             // --scales 1,1.5,2,3: with --report-clipped, each in turn (default: --scale)
  bool print_view = false;               // --print-view: with --screenshot, print what the scene shows (JSON line)
  double exit_after = 0.0;               // --exit-after S: the interactive window closes after S s, printing frames drawn
  std::string expect_text;               // --expect-text TEXT: with --screenshot, exit 4 unless the scene drew TEXT
  int bench_frames = 0;                  // --bench-frames N: print frame-time statistics and exit
  std::size_t bench_events = 0;          // --bench-events N: load N events (the capture repeated)
  double bench_ingest = 0.0;             // --bench-ingest RATE: stream the capture at RATE events/s while rendering
};

// Parses argv; on --help or an error prints and returns the exit code to use.
std::optional<int> parse_options(int argc, char** argv, Options& out);

}  // namespace viz
