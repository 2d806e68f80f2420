// CLI11 front end for Options.
#include "app/options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>

#include "model/follow.h"

namespace viz {

std::optional<int> parse_options(int argc, char** argv, Options& o) {
  CLI::App app{"wirelab-visualizer: watch every byte of a WebSocket chat, live or replayed"};
  std::string size, theme_name = "dark";
  std::uint64_t select = 0;
  app.add_option("--connect", o.connect_url, "mirror URL of a running relay")->capture_default_str();
  app.add_option("--replay", o.replay_file, "replay a capture file (JSON lines)");
  app.add_option("--screenshot", o.screenshot, "render --frames frames, write a PNG and exit");
  app.add_option("--scene", o.scene, "conversation|upgrade|frame|masking|polling|tls (all: with --report-clipped)")->capture_default_str();
  app.add_option("--frames", o.frames, "frames to render for --screenshot (fixed 1/60 s step)")->capture_default_str();
  auto* sel = app.add_option("--select", select, "select the unit with this seq");
  app.add_option("--size", size, "window size WxH (default 1920x1080)");
  app.add_option("--theme", theme_name, "dark|light|contrast")->capture_default_str();
  app.add_option("--scale", o.scale, "display scale 1-3 (rebuilds the fonts)")->capture_default_str();
  app.add_option("--speed", o.speed, "replay speed 0.25-8")->capture_default_str();
  app.add_flag("--fullscreen", o.fullscreen, "start fullscreen (F toggles)");
  app.add_flag("--paused", o.paused, "start in step mode (Right reveals one event)");
  app.add_option("--save-capture", o.save_capture, "with --screenshot: also save the capture the model holds to FILE");
  app.add_option("--export-pcapng", o.export_pcapng, "with --screenshot: also export it as pcapng to FILE (through wire)");
  app.add_flag("--show-help", o.show_help, "start with the presenter-keys overlay shown");
  app.add_option("--max-events", o.max_events, "events kept in memory")->capture_default_str();
  app.add_option("--wait-for", o.wait_for, "with --screenshot on a live feed: wait for this chat event (e.g. paired)");
  app.add_option("--expect-text", o.expect_text,
                 "with --screenshot: exit 4 unless the scene drew this text on its last frame (tests)");
  app.add_option("--timeout", o.timeout_s, "seconds to wait for --wait-for")->capture_default_str();
  app.add_option("--after-seconds", o.after_seconds, "with --screenshot: run the feed in real time for S seconds first");
  std::string follow;
  app.add_option("--follow", follow, "follow one stranger: 4 hex digits (\"4cba\"); with --wait-for, wait for their event");
  app.add_option("--exit-after", o.exit_after, "close the window after S seconds and print how many frames were drawn");
  app.add_flag("--report-clipped", o.report_clipped,
               "with --screenshot: print what was cut at a window's edge (JSON lines), exit 5 when anything was");
  std::string scales;
  app.add_option("--scales", scales, "with --report-clipped: display scales to check in turn, e.g. 1,1.5,2,3");
  app.add_flag("--print-view", o.print_view, "with --screenshot: print one JSON line saying what the scene shows");
  app.add_option("--bench-frames", o.bench_frames, "render N frames, print frame-time statistics, exit");
  app.add_option("--bench-events", o.bench_events, "load this many events (the capture repeated) for --bench-frames");
  app.add_option("--bench-ingest", o.bench_ingest, "with --bench-frames: stream events at this rate (events/s) into the live path");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  o.connect_given = app.count("--connect") > 0;
  if (*sel) o.select = select;
  if (!size.empty() && std::sscanf(size.c_str(), "%dx%d", &o.width, &o.height) != 2) {
    std::fprintf(stderr, "--size: expected WxH like 1920x1080, got \"%s\"\n", size.c_str());
    return 2;
  }
  if (o.width < 320 || o.height < 240 || o.width > 8192 || o.height > 8192) {
    std::fprintf(stderr, "--size: %dx%d is out of range (320x240 .. 8192x8192)\n", o.width, o.height);
    return 2;
  }
  if (!parse_theme_id(theme_name.c_str(), o.theme)) {
    std::fprintf(stderr, "--theme: expected dark, light or contrast, got \"%s\"\n", theme_name.c_str());
    return 2;
  }
  if (o.scale < 1.0f || o.scale > 3.0f) {
    std::fprintf(stderr, "--scale: expected 1 to 3, got %g\n", static_cast<double>(o.scale));
    return 2;
  }
  if (o.frames < 1) o.frames = 1;
  for (std::size_t at = 0; at < scales.size();) {
    const std::size_t end = std::min(scales.find(',', at), scales.size());
    float s = 0.0f;
    if (std::sscanf(scales.substr(at, end - at).c_str(), "%f", &s) != 1 || s < 1.0f || s > 3.0f) {
      std::fprintf(stderr, "--scales: expected scales from 1 to 3 like 1,1.5,2,3, got \"%s\"\n", scales.c_str());
      return 2;
    }
    o.scales.push_back(s);
    at = end + 1;
  }
  if (o.scales.empty()) o.scales.push_back(o.scale);
  if (!follow.empty()) {
    auto label = stranger_label(follow);
    if (!label) {
      std::fprintf(stderr, "--follow: expected 4 hex digits like 4cba, got \"%s\"\n", follow.c_str());
      return 2;
    }
    o.follow = *label;
  }
  if (o.after_seconds < 0 || o.after_seconds > 3600) {
    std::fprintf(stderr, "--after-seconds: expected 0 to 3600, got %g\n", o.after_seconds);
    return 2;
  }
  return std::nullopt;
}

}  // namespace viz
