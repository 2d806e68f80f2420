// --bench-frames figures (bench/README.md "Visualizer"): frame-time
// percentiles, the process's CPU time per frame, and the last frame's draw
// load as llvmpipe sees it.
#include "app/bench_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "imgui.h"

namespace viz {
namespace {

// The pixels the last frame's triangles cover, in screens (1.0 = the window
// filled once; overlaps count again), and their number: llvmpipe's cost
// follows both.
struct DrawLoad {
  double screens = 0.0;
  std::size_t triangles = 0;
};

DrawLoad draw_load() {
  const ImDrawData* dd = ImGui::GetDrawData();
  DrawLoad load;
  if (!dd || dd->DisplaySize.x <= 0 || dd->DisplaySize.y <= 0) return load;
  double area = 0.0;
  for (int l = 0; l < dd->CmdListsCount; ++l) {
    const ImDrawList* list = dd->CmdLists[l];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) continue;
      const ImVec4 c = cmd.ClipRect;
      for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
        ImVec2 p[3];   // clamped to the clip rectangle: exact for the axis-aligned fills that dominate
        for (unsigned k = 0; k < 3; ++k) {
          const ImDrawIdx idx = list->IdxBuffer[static_cast<int>(cmd.IdxOffset + i + k)];
          const ImVec2 v = list->VtxBuffer[static_cast<int>(cmd.VtxOffset + idx)].pos;
          p[k] = ImVec2(std::clamp(v.x, c.x, c.z), std::clamp(v.y, c.y, c.w));
        }
        area += std::abs(static_cast<double>((p[1].x - p[0].x) * (p[2].y - p[0].y) - (p[2].x - p[0].x) * (p[1].y - p[0].y))) / 2;
        ++load.triangles;
      }
    }
  }
  load.screens = area / static_cast<double>(dd->DisplaySize.x * dd->DisplaySize.y);
  return load;
}

}  // namespace

double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

void print_frame_stats(std::vector<double> ms, std::vector<double> ui, std::vector<double> cpu, std::size_t events,
                       const char* scene) {
  std::sort(ms.begin(), ms.end());
  std::sort(ui.begin(), ui.end());
  std::sort(cpu.begin(), cpu.end());
  const auto at = [](const std::vector<double>& v, double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  };
  const DrawLoad load = draw_load();
  std::printf("scene=%s events=%zu frames=%zu median_ms=%.2f p95_ms=%.2f max_ms=%.2f ui_median_ms=%.2f ui_max_ms=%.2f "
              "cpu_median_ms=%.2f fill_screens=%.2f triangles=%zu\n",
              scene, events, ms.size(), at(ms, 0.5), at(ms, 0.95), ms.back(), at(ui, 0.5), ui.back(), at(cpu, 0.5),
              load.screens, load.triangles);
}

}  // namespace viz
