// wirelab-visualizer: the classroom visualizer (issue 4). A linear shell,
// commented by phase: options -> window -> shell (fonts, theme,
// scenes, feed) -> frame loop -> exit. Headless runs (--screenshot,
// --bench-frames) use a hidden window and a fixed time step, so two runs give
// identical pixels.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "app/bench_stats.h"
#include "app/clip_report.h"
#include "app/options.h"
#include "app/shell.h"
#include "app/window.h"
#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "feeds/live.h"
#include "model/inbox.h"
#include "imgui.h"

namespace {

constexpr float kFixedDt = 1.0f / 60.0f;
using Clock = std::chrono::steady_clock;

// Headless frames see no mouse and no keys: the picture depends on the data only.
void neutralise_input() {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  for (bool& b : io.MouseDown) b = false;
  io.MouseWheel = io.MouseWheelH = 0.0f;
}

// Builds ImGui's draw lists (CPU) then rasterises them (GL: llvmpipe under Xvfb, also CPU).
// The clear is the theme's background: scene windows draw none of their own (scenes/scene.cpp).
void render(const viz::Theme& theme, GLFWwindow* window) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(theme.background.x, theme.background.y, theme.background.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace

int main(int argc, char** argv) {
  // Phase 1: options.
  viz::Options options;
  if (auto code = viz::parse_options(argc, argv, options)) return *code;
  const bool headless = !options.screenshot.empty() || options.bench_frames > 0;

  // Phase 2: window, GL context and ImGui backends (hidden when headless).
  viz::Window window(options.width, options.height, !headless, options.fullscreen && !headless, "wirelab visualizer");
  if (!window.ok()) {
    std::fprintf(stderr, "wirelab-visualizer: %s\n", window.error().c_str());
    return 1;
  }

  // Phase 3: the shell: fonts at the display scale, theme, scenes, the first feed.
  viz::Shell shell(options, window);
  std::string error;
  if (!shell.init(error)) {
    std::fprintf(stderr, "wirelab-visualizer: %s\n", error.c_str());
    return 2;
  }

  // Phase 4 (live screenshot only): run in real time until the awaited chat event arrives.
  const auto started = Clock::now();
  auto last = started;
  double ui_ms = 0.0;   // the last frame's CPU time in ImGui and our code, without rasterising
  auto one_frame = [&](float dt) {
    glfwPollEvents();
    shell.before_frame();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (headless) neutralise_input();
    ImGui::GetIO().DeltaTime = dt;
    const auto t0 = Clock::now();
    ImGui::NewFrame();
    shell.frame(dt);
    ImGui::Render();
    ui_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    render(shell.current_theme(), window.handle());
  };
  // --after-seconds: the feed runs in real time first (a live relay's traffic, a replay's clock);
  // --wait-for: until the awaited chat event (of the --follow stranger, when given) arrives.
  if (headless && (!options.wait_for.empty() || options.after_seconds > 0)) {
    const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    const double limit = std::max(options.after_seconds, options.wait_for.empty() ? 0.0 : options.timeout_s);
    auto waiting = [&] {
      if (elapsed() < options.after_seconds) return true;
      return !options.wait_for.empty() && !shell.saw_chat_event(options.wait_for, options.follow);
    };
    while (waiting()) {
      if (elapsed() > limit) {
        std::fprintf(stderr, "wirelab-visualizer: no \"%s\" chat event%s%s within %.0f s (feed: %s)\n",
                     options.wait_for.c_str(), options.follow.empty() ? "" : " from ", options.follow.c_str(), limit,
                     shell.feed() ? shell.feed()->state().c_str() : "none");
        return 3;
      }
      one_frame(kFixedDt);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (options.select) shell.select(*options.select);
  }

  // Phase 5: the frame loop. Headless: exactly N frames at a fixed step, then the PNG or the figures.
  if (options.bench_frames > 0 && options.bench_ingest > 0) {
    // Ingest while drawing: a producer streams events at the asked rate into the live path.
    std::atomic<bool> stop{false};
    viz::Inbox* inbox = shell.bench_inbox();
    const auto& source = shell.bench_source();
    // Warm-up as in the scene benchmark (GL objects, shader variants, first layout), before any event flows.
    for (int i = 0; i < options.frames; ++i) one_frame(kFixedDt);
    glFinish();
    // The producer offers exactly `bench_ingest` events/s: the source repeated
    // with fresh seqs, its hello sent once (a later hello would mean "relay
    // restarted"). Skipped hellos do not count against the rate.
    std::thread producer([&] {
      const auto t0 = Clock::now();
      std::uint64_t seq = 0;
      std::size_t next = 0;
      while (!stop) {
        const double due = std::chrono::duration<double>(Clock::now() - t0).count() * options.bench_ingest;
        while (static_cast<double>(seq) < due) {
          const wire::Event& src = source[next++ % source.size()];
          if (seq > 0 && std::holds_alternative<wire::Hello>(src.body)) continue;
          wire::Event e = src;
          e.seq = seq++;
          inbox->push(std::move(e));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    std::vector<double> ms, ui, cpu;
    const auto t0 = Clock::now();
    Clock::time_point first_end{};
    std::uint64_t first_taken = 0;
    for (int i = 0; i < options.bench_frames; ++i) {
      const auto f0 = Clock::now();
      const double c0 = viz::process_cpu_ms();
      one_frame(kFixedDt);
      glFinish();
      const auto f1 = Clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(f1 - f0).count());
      ui.push_back(ui_ms);
      cpu.push_back(viz::process_cpu_ms() - c0);
      if (i == 0) {
        first_end = f1;
        first_taken = shell.model().ingested();
      }
    }
    const auto t1 = Clock::now();
    const double secs = std::chrono::duration<double>(t1 - t0).count();
    const std::uint64_t taken = shell.model().ingested();
    const std::size_t backlog = inbox->waiting() + shell.feed()->waiting();
    stop = true;
    producer.join();
    // Two rates: everything over the whole run (it misses the arrivals after the
    // last frame's drain, at most about one frame's worth), and the steady rate
    // between the first and the last frame's drain: what the UI keeps up with.
    const double steady_s = std::chrono::duration<double>(t1 - first_end).count();
    std::printf("ingest: offered %.0f events/s, model took %llu events in %.2f s (%.0f events/s); "
                "steady %.0f events/s; left waiting %zu, refused %llu\n",
                options.bench_ingest, static_cast<unsigned long long>(taken), secs, static_cast<double>(taken) / secs,
                static_cast<double>(taken - first_taken) / steady_s, backlog,
                static_cast<unsigned long long>(inbox->refused()));
    viz::print_frame_stats(std::move(ms), std::move(ui), std::move(cpu), shell.model().size(), options.scene.c_str());
    return 0;
  }
  if (options.bench_frames > 0) {
    std::vector<double> ms, ui, cpu;
    for (int i = 0; i < options.frames; ++i) one_frame(kFixedDt);   // warm-up: caches, first layout
    glFinish();   // the warm-up's queued rasterising is not charged to the first measured frame
    for (int i = 0; i < options.bench_frames; ++i) {
      const auto t0 = Clock::now();
      const double c0 = viz::process_cpu_ms();
      one_frame(kFixedDt);
      glFinish();
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      ui.push_back(ui_ms);
      cpu.push_back(viz::process_cpu_ms() - c0);
    }
    viz::print_frame_stats(std::move(ms), std::move(ui), std::move(cpu), shell.model().size(), options.scene.c_str());
    return 0;
  }
  if (headless && options.report_clipped) {
    // --report-clipped: each asked scene at each asked scale in this one window, one JSON line each
    // (a PNG per configuration when there are several: OUT-scene-2x.png).
    const std::vector<std::string> scenes = options.scene == "all" ? shell.scene_ids() : std::vector{options.scene};
    const bool several = scenes.size() * options.scales.size() > 1;
    int cut = 0;
    for (const float scale : options.scales) {
      for (const std::string& scene : scenes) {
        shell.show_scene(scene);
        shell.set_scale(scale);
        for (int i = 0; i < options.frames; ++i) one_frame(kFixedDt);
        const auto clipped = viz::find_clipped();
        std::string png = options.screenshot;
        if (several) {
          char tail[64];
          std::snprintf(tail, sizeof tail, "-%s-%gx.png", scene.c_str(), static_cast<double>(scale));
          png = png.substr(0, png.rfind(".png")) + tail;
        }
        if (!window.save_png(png, error)) {
          std::fprintf(stderr, "wirelab-visualizer: %s\n", error.c_str());
          return 1;
        }
        std::printf("fit {\"scene\":\"%s\",\"scale\":%g,\"size\":\"%dx%d\",\"png\":\"%s\",\"clipped\":%s,\"view\":%s}\n",
                    scene.c_str(), static_cast<double>(scale), options.width, options.height, png.c_str(),
                    viz::clipped_json(clipped).c_str(), shell.view_summary().c_str());
        if (!clipped.empty()) ++cut;
      }
    }
    std::fflush(stdout);
    return cut > 0 ? 5 : 0;
  }
  if (headless) {
    for (int i = 0; i < options.frames; ++i) one_frame(kFixedDt);
    if ((!options.save_capture.empty() && !shell.save_capture_to(options.save_capture, error)) ||
        (!options.export_pcapng.empty() && !shell.export_pcapng_to(options.export_pcapng, error))) {
      std::fprintf(stderr, "wirelab-visualizer: %s\n", error.c_str());
      return 1;
    }
    if (!window.save_png(options.screenshot, error)) {
      std::fprintf(stderr, "wirelab-visualizer: %s\n", error.c_str());
      return 1;
    }
    std::printf("wrote %s (%dx%d, scene %s, %zu events)\n", options.screenshot.c_str(), options.width, options.height,
                options.scene.c_str(), shell.model().size());
    // A picture of nothing must not pass for a scene: exit 4 on a placeholder or a missing marker.
    if (shell.scene_is_placeholder()) {
      std::fprintf(stderr, "wirelab-visualizer: scene %s is not in this build: the screenshot shows a placeholder\n",
                   options.scene.c_str());
      return 4;
    }
    if (!options.expect_text.empty() && shell.scene_text().find(options.expect_text) == std::string::npos) {
      std::fprintf(stderr, "wirelab-visualizer: --expect-text: scene %s did not draw \"%s\" on its last frame\n",
                   options.scene.c_str(), options.expect_text.c_str());
      return 4;
    }
    if (options.print_view) std::printf("view %s\n", shell.view_summary().c_str());
    return 0;
  }
  // Idle: nothing new, no animation, no input -> no frame. glfwWaitEventsTimeout
  // returns at once on input; else the feed is checked 20 times a second.
  constexpr double kIdleTick = 0.05;
  long frames_drawn = 0, frames_second_half = 0;   // --exit-after: how idle the window was
  const auto interactive_start = Clock::now();
  while (!window.should_close()) {
    const double running = std::chrono::duration<double>(Clock::now() - interactive_start).count();
    if (options.exit_after > 0 && running >= options.exit_after) {
      std::printf("frames drawn: %ld in %.1f s; %ld in the last %.1f s\n", frames_drawn, options.exit_after,
                  frames_second_half, options.exit_after / 2);
      break;
    }
    if (!shell.wants_frame()) {
      const auto t0 = Clock::now();
      glfwWaitEventsTimeout(kIdleTick);
      const auto t1 = Clock::now();
      const bool input = std::chrono::duration<double>(t1 - t0).count() < kIdleTick * 0.8;   // woken early: an event
      shell.poll_feed(std::chrono::duration<double>(t1 - last).count());
      last = t1;
      if (!input && !shell.wants_frame()) continue;
      shell.keep_awake(0.3);   // ImGui settles hover and focus over a few frames
    }
    const auto now = Clock::now();
    const float dt = std::clamp(std::chrono::duration<float>(now - last).count(), 1e-4f, 0.1f);
    last = now;
    one_frame(dt);
    glfwSwapBuffers(window.handle());
    ++frames_drawn;
    if (options.exit_after > 0 && running >= options.exit_after / 2) ++frames_second_half;
  }

  // Phase 6: exit. The shell (and a live feed's worker) goes first, then the window.
  return 0;
}
